namespace CniBox.Netlink.Links;

/// <summary>A link as RTM_NEWLINK describes it.</summary>
/// <param name="Type">ARPHRD_* (1 ether, 772 loopback).</param>
/// <param name="Mac">IFLA_ADDRESS as lower-case "aa:bb:..", null when absent.</param>
/// <param name="Kind">IFLA_INFO_KIND ("veth", "bridge" ...), null for kind-less links such as lo.</param>
/// <param name="MasterIndex">IFLA_MASTER, 0 when enslaved to nothing.</param>
/// <param name="LinkIndex">IFLA_LINK: the peer's ifindex for a veth, the parent's for a macvlan; 0 when absent.
/// When <paramref name="LinkNetNsId"/> is set, the index is valid in that other namespace.</param>
/// <param name="LinkNetNsId">IFLA_LINK_NETNSID: the peer namespace's id as seen from this one, null when the peer is local.</param>
/// <param name="TxQueueLength">IFLA_TXQLEN.</param>
/// <param name="SlaveKind">IFLA_INFO_SLAVE_KIND ("bridge" for a bridge port), null when not enslaved.</param>
/// <param name="BridgePort">Port flags from IFLA_INFO_SLAVE_DATA when <paramref name="SlaveKind"/> is "bridge".</param>
/// <param name="KindData">What the kernel says about the link's kind: <see cref="VethData"/>, <see cref="BridgeData"/>,
/// <see cref="MacvlanData"/>; null for other kinds and kind-less links.</param>
public sealed record LinkInfo(
    int Index,
    string Name,
    InterfaceFlags Flags,
    OperState OperState,
    int Mtu,
    string? Mac,
    string? Kind,
    int MasterIndex,
    ushort Type,
    int LinkIndex = 0,
    int? LinkNetNsId = null,
    int TxQueueLength = 0,
    string? SlaveKind = null,
    BridgePortInfo? BridgePort = null,
    LinkKindData? KindData = null)
{
    /// <summary>IFLA_IFALIAS (<c>ip link set dev X alias TEXT</c>), null when none is set.</summary>
    public string? Alias { get; init; }

    public bool IsUp => (Flags & InterfaceFlags.Up) != 0;

    /// <summary>IFF_PROMISC as set by <c>ip link set dev X promisc on</c>.</summary>
    public bool IsPromisc => (Flags & InterfaceFlags.Promisc) != 0;

    /// <summary>IFF_ALLMULTI as set by <c>ip link set dev X allmulticast on</c>.</summary>
    public bool IsAllMulti => (Flags & InterfaceFlags.AllMulti) != 0;
}
