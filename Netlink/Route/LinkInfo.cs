namespace CniBox.Netlink.Route;

/// <summary>A link as RTM_NEWLINK describes it.</summary>
/// <param name="Type">ARPHRD_* (1 ether, 772 loopback).</param>
/// <param name="Mac">IFLA_ADDRESS as lower-case "aa:bb:..", null when absent.</param>
/// <param name="Kind">IFLA_INFO_KIND ("veth", "bridge" ...), null for kind-less links such as lo.</param>
/// <param name="MasterIndex">IFLA_MASTER, 0 when enslaved to nothing.</param>
public sealed record LinkInfo(
    int Index,
    string Name,
    InterfaceFlags Flags,
    OperState OperState,
    int Mtu,
    string? Mac,
    string? Kind,
    int MasterIndex,
    ushort Type)
{
    public bool IsUp => (Flags & InterfaceFlags.Up) != 0;
}
