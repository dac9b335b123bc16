using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

/// <summary>The ifb kind (the bandwidth plugin's egress shaper); the kernel reports no IFLA_INFO_DATA for it.</summary>
public static partial class LinkMessages
{
    public const string IfbKind = "ifb";

    /// <summary>As <c>ip link add NAME type ifb</c>.</summary>
    public static void AddIfb(ref NetlinkWriter w, uint seq, string name)
    {
        CheckName(name);
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        w.PutStringZ(IFLA_IFNAME, name);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, IfbKind);
        w.EndNest(linkInfo);
        w.EndMessage();
    }

    /// <summary>As <c>ip link add NAME [mtu M] [txqueuelen N] [up] type ifb</c>: IFLA_MTU, IFLA_TXQLEN, IFLA_IFNAME, IFLA_LINKINFO.</summary>
    public static void AddIfb(ref NetlinkWriter w, uint seq, IfbOptions ifb)
    {
        CheckName(ifb.Name);
        var up = ifb.Up ? (uint)InterfaceFlags.Up : 0;
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg { ifi_flags = up, ifi_change = up });
        if (ifb.Mtu > 0)
            w.PutU32(IFLA_MTU, (uint)ifb.Mtu);
        if (ifb.TxQueueLength is { } txqlen)
            w.PutU32(IFLA_TXQLEN, (uint)txqlen);
        w.PutStringZ(IFLA_IFNAME, ifb.Name);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, IfbKind);
        w.EndNest(linkInfo);
        w.EndMessage();
    }
}
