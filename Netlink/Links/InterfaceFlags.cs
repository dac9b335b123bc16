namespace CniBox.Netlink.Links;

/// <summary>IFF_* from linux/if.h (ifi_flags).</summary>
[Flags]
public enum InterfaceFlags : uint
{
    None = 0,
    Up = 0x1,
    Broadcast = 0x2,
    Debug = 0x4,
    Loopback = 0x8,
    PointToPoint = 0x10,
    NoTrailers = 0x20,
    Running = 0x40,
    NoArp = 0x80,
    Promisc = 0x100,
    AllMulti = 0x200,
    Master = 0x400,
    Slave = 0x800,
    Multicast = 0x1000,
    PortSel = 0x2000,
    AutoMedia = 0x4000,
    Dynamic = 0x8000,
    LowerUp = 0x10000,
    Dormant = 0x20000,
    Echo = 0x40000,
}
