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
}
