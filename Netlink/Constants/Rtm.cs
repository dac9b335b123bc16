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

    public const byte RT_SCOPE_UNIVERSE = 0;
    public const byte RT_SCOPE_SITE = 200;
    public const byte RT_SCOPE_LINK = 253;
    public const byte RT_SCOPE_HOST = 254;
    public const byte RT_SCOPE_NOWHERE = 255;

    public const uint RTEXT_FILTER_VF = 1 << 0;
    public const uint RTEXT_FILTER_SKIP_STATS = 1 << 3;

    public const byte AF_UNSPEC = 0;
    public const byte AF_INET = 2;
    public const byte AF_INET6 = 10;
    public const byte AF_PACKET = 17;
}
