namespace CniBox.Netlink.Routes;

/// <summary>RTN_* from linux/rtnetlink.h (rtm_type), the first word of <c>ip route add local|blackhole|...</c>.</summary>
public enum RouteType : byte
{
    Unspec = 0,
    Unicast = 1,
    Local = 2,
    Broadcast = 3,
    Anycast = 4,
    Multicast = 5,
    Blackhole = 6,
    Unreachable = 7,
    Prohibit = 8,
    Throw = 9,
    Nat = 10,
}
