using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

/// <summary>The dummy kind; the kernel reports no IFLA_INFO_DATA for it.</summary>
public static partial class LinkMessages
{
    public const string DummyKind = "dummy";

    /// <summary>As <c>ip link add NAME [netns NS] type dummy</c>; <paramref name="nsFd"/> -1 creates it in this netns.</summary>
    public static void AddDummy(ref NetlinkWriter w, uint seq, string name, int nsFd = -1)
    {
        CheckName(name);
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        PutChildLink(ref w, name, 0, null, nsFd, 0);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, DummyKind);
        w.EndNest(linkInfo);
        w.EndMessage();
    }
}
