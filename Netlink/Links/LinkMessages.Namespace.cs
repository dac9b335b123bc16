using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

public static partial class LinkMessages
{
    /// <summary>
    /// As <c>ip link set dev X netns NS name NEW</c>: IFLA_NET_NS_FD, then IFLA_IFNAME. The kernel renames the link as
    /// it moves it (the name is the pattern of __dev_change_net_namespace), so NEW is checked in the target netns
    /// only and the link never carries it where it came from.
    /// </summary>
    public static void SetNamespaceFdAndName(ref NetlinkWriter w, uint seq, int index, int nsFd, string name)
    {
        CheckName(name);
        w.BeginMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_index = index });
        w.PutU32(IFLA_NET_NS_FD, (uint)nsFd);
        w.PutStringZ(IFLA_IFNAME, name);
        w.EndMessage();
    }
}
