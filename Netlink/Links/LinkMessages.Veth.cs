using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

/// <summary>The veth kind: creation, and what a dump says about the peer.</summary>
public static partial class LinkMessages
{
    public const string VethKind = "veth";

    /// <summary>
    /// As <c>ip link add NAME [mtu M] [address A] type veth peer name PEER [mtu M] [address A] netns NS</c>.
    /// <paramref name="peerNsFd"/> is an open fd of the peer's netns (IFLA_NET_NS_FD), or -1 to keep the peer here.
    /// </summary>
    public static void AddVeth(ref NetlinkWriter w, uint seq, VethOptions veth, int peerNsFd)
    {
        string peerName = veth.PeerName ?? throw new ArgumentException($"veth {veth.Name}: the peer needs a name", nameof(veth));
        CheckName(veth.Name);
        CheckName(peerName);
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        PutCommon(ref w, veth.Name, veth.Mtu, veth.Mac);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, VethKind);
        NestToken data = w.BeginNest(IFLA_INFO_DATA);
        NestToken peer = w.BeginNest(VETH_INFO_PEER);
        w.WriteStruct(new IfInfoMsg());
        if (veth.Mtu > 0)
            w.PutU32(IFLA_MTU, (uint)veth.Mtu);
        if (veth.PeerMac is not null)
            w.PutBytes(IFLA_ADDRESS, ParseMac(veth.PeerMac));
        if (peerNsFd >= 0)
            w.PutU32(IFLA_NET_NS_FD, (uint)peerNsFd);
        w.PutStringZ(IFLA_IFNAME, peerName);
        w.EndNest(peer);
        w.EndNest(data);
        w.EndNest(linkInfo);
        w.EndMessage();
    }
}
