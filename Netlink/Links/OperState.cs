namespace CniBox.Netlink.Links;

/// <summary>IF_OPER_* from linux/if.h (IFLA_OPERSTATE), RFC 2863 operational state.</summary>
public enum OperState : byte
{
    Unknown = 0,
    NotPresent = 1,
    Down = 2,
    LowerLayerDown = 3,
    Testing = 4,
    Dormant = 5,
    Up = 6,
}
