namespace CniBox.Netlink.Constants;

/// <summary>rtnetlink message types and scopes from <c>linux/rtnetlink.h</c>.</summary>
public static class Rtm
{
    public const ushort RTM_NEWLINK = 16;
    public const ushort RTM_DELLINK = 17;
    public const ushort RTM_GETLINK = 18;
    public const ushort RTM_SETLINK = 19;
    public const ushort RTM_NEWADDR = 20;
    public const ushort RTM_DELADDR = 21;
    public const ushort RTM_GETADDR = 22;
    public const ushort RTM_NEWROUTE = 24;
    public const ushort RTM_DELROUTE = 25;
    public const ushort RTM_GETROUTE = 26;
    public const ushort RTM_NEWRULE = 32;
    public const ushort RTM_DELRULE = 33;
    public const ushort RTM_GETRULE = 34;
    public const ushort RTM_NEWQDISC = 36;
    public const ushort RTM_DELQDISC = 37;
    public const ushort RTM_GETQDISC = 38;
    public const ushort RTM_NEWTCLASS = 40;
    public const ushort RTM_DELTCLASS = 41;
    public const ushort RTM_GETTCLASS = 42;
    public const ushort RTM_NEWTFILTER = 44;
    public const ushort RTM_DELTFILTER = 45;
    public const ushort RTM_GETTFILTER = 46;

    /// <summary>Multicast groups (enum rtnetlink_groups) for NETLINK_ADD_MEMBERSHIP.</summary>
    public const uint RTNLGRP_LINK = 1;
    public const uint RTNLGRP_IPV4_IFADDR = 5;
    public const uint RTNLGRP_IPV6_IFADDR = 9;

    public const byte RT_SCOPE_UNIVERSE = 0;
    public const byte RT_SCOPE_SITE = 200;
    public const byte RT_SCOPE_LINK = 253;
    public const byte RT_SCOPE_HOST = 254;
    public const byte RT_SCOPE_NOWHERE = 255;

    public const uint RTEXT_FILTER_VF = 1 << 0;
    public const uint RTEXT_FILTER_BRVLAN = 1 << 1;
    public const uint RTEXT_FILTER_SKIP_STATS = 1 << 3;

    public const byte AF_UNSPEC = 0;
    public const byte AF_INET = 2;
    public const byte AF_BRIDGE = 7;
    public const byte AF_INET6 = 10;
    public const byte AF_PACKET = 17;
}
