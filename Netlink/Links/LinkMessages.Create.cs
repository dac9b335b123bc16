using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

/// <summary>
/// RTM_NEWLINK creations and RTM_DELLINK, in iproute2 6.1's attribute order: the options given
/// (IFLA_MTU, IFLA_ADDRESS, IFLA_LINK), then IFLA_IFNAME, then IFLA_LINKINFO.
/// </summary>
public static partial class LinkMessages
{
    private const ushort CreateFlags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;

    /// <summary>
    /// As <c>ip link add NAME [mtu M] [address A] type veth peer name PEER [mtu M] [address A] netns NS</c>.
    /// <paramref name="peerNsFd"/> is an open fd of the peer's netns (IFLA_NET_NS_FD), or -1 to keep the peer here.
    /// </summary>
    public static void AddVeth(ref NetlinkWriter w, uint seq, string name, string peerName, int peerNsFd,
        int mtu = 0, string? mac = null, string? peerMac = null)
    {
        CheckName(name);
        CheckName(peerName);
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        PutCommon(ref w, name, mtu, mac);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, "veth");
        NestToken data = w.BeginNest(IFLA_INFO_DATA);
        NestToken peer = w.BeginNest(VETH_INFO_PEER);
        w.WriteStruct(new IfInfoMsg());
        if (mtu > 0)
            w.PutU32(IFLA_MTU, (uint)mtu);
        if (peerMac is not null)
            w.PutBytes(IFLA_ADDRESS, ParseMac(peerMac));
        if (peerNsFd >= 0)
            w.PutU32(IFLA_NET_NS_FD, (uint)peerNsFd);
        w.PutStringZ(IFLA_IFNAME, peerName);
        w.EndNest(peer);
        w.EndNest(data);
        w.EndNest(linkInfo);
        w.EndMessage();
    }

    /// <summary>As <c>ip link add NAME [mtu M] type bridge [vlan_filtering 1]</c>.</summary>
    public static void AddBridge(ref NetlinkWriter w, uint seq, string name, int mtu = 0, bool vlanFiltering = false)
    {
        CheckName(name);
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        PutCommon(ref w, name, mtu, null);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, "bridge");
        if (vlanFiltering)
        {
            NestToken data = w.BeginNest(IFLA_INFO_DATA);
            w.PutU8(IFLA_BR_VLAN_FILTERING, 1);
            w.EndNest(data);
        }
        w.EndNest(linkInfo);
        w.EndMessage();
    }

    /// <summary>As <c>ip link add NAME link PARENT [mtu M] type macvlan mode MODE</c>.</summary>
    /// <param name="mode">private, vepa, bridge, passthru or source.</param>
    public static void AddMacvlan(ref NetlinkWriter w, uint seq, string name, int parentIndex, string mode, int mtu = 0)
    {
        CheckName(name);
        uint kernelMode = MacvlanMode(mode);
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        if (mtu > 0)
            w.PutU32(IFLA_MTU, (uint)mtu);
        w.PutU32(IFLA_LINK, (uint)parentIndex);
        w.PutStringZ(IFLA_IFNAME, name);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, "macvlan");
        NestToken data = w.BeginNest(IFLA_INFO_DATA);
        w.PutU32(IFLA_MACVLAN_MODE, kernelMode);
        w.EndNest(data);
        w.EndNest(linkInfo);
        w.EndMessage();
    }

    /// <summary>As <c>ip link add NAME type ifb</c>.</summary>
    public static void AddIfb(ref NetlinkWriter w, uint seq, string name)
    {
        CheckName(name);
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        w.PutStringZ(IFLA_IFNAME, name);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, "ifb");
        w.EndNest(linkInfo);
        w.EndMessage();
    }

    /// <summary>As <c>ip link del dev X</c> once iproute has resolved X to its ifindex.</summary>
    public static void Delete(ref NetlinkWriter w, uint seq, int index)
    {
        w.BeginMessage(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_index = index });
        w.EndMessage();
    }

    /// <summary>
    /// <c>ip link del dev NAME</c> in one request: iproute resolves the name first (RTM_GETLINK), but the
    /// kernel also accepts ifindex 0 with IFLA_IFNAME, which saves a round trip and a race.
    /// </summary>
    public static void Delete(ref NetlinkWriter w, uint seq, string name)
    {
        CheckName(name);
        w.BeginMessage(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg());
        w.PutStringZ(IFLA_IFNAME, name);
        w.EndMessage();
    }

    /// <summary>The MACVLAN_MODE_* value of an <c>ip link ... type macvlan mode X</c> keyword.</summary>
    public static uint MacvlanMode(string mode) => mode switch
    {
        "private" => MACVLAN_MODE_PRIVATE,
        "vepa" => MACVLAN_MODE_VEPA,
        "bridge" => MACVLAN_MODE_BRIDGE,
        "passthru" => MACVLAN_MODE_PASSTHRU,
        "source" => MACVLAN_MODE_SOURCE,
        _ => throw new ArgumentException($"unknown macvlan mode \"{mode}\" (private, vepa, bridge, passthru, source)", nameof(mode)),
    };

    private static void PutCommon(ref NetlinkWriter w, string name, int mtu, string? mac)
    {
        if (mtu > 0)
            w.PutU32(IFLA_MTU, (uint)mtu);
        if (mac is not null)
            w.PutBytes(IFLA_ADDRESS, ParseMac(mac));
        w.PutStringZ(IFLA_IFNAME, name);
    }
}
