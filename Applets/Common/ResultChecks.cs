using CniBox.Netlink.Constants;
using System.Net;
using System.Net.Sockets;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Links;
using CniBox.Netlink.Routes;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Config;
using CniBox.Spec.Results;

namespace CniBox.Applets.Common;

/// <summary>CHECK helpers shared by bridge and ptp (pkg/ip ValidateExpectedInterfaceIPs / ValidateExpectedRoute).</summary>
public static class ResultChecks
{
    private const uint MainTable = Rta.RT_TABLE_MAIN;

    /// <summary>The prevResult CHECK works on; <paramref name="plugin"/> prefixes the "missing" error as Go does.</summary>
    public static CniResult RequirePrevResult(NetConf conf, string prefix) =>
        conf.PrevResult is null
            ? throw new CniException(ErrorCode.Internal, $"{prefix}Required prevResult missing")
            : conf.ParsePrevResult()!;

    /// <summary>
    /// The container half of CHECK: <see cref="InterfaceIps"/>, then <see cref="Routes"/>, reading the main table
    /// once per family for both (the caller has just looked up <paramref name="link"/>).
    /// </summary>
    public static void Container(RtnlHandle container, LinkInfo link, IEnumerable<IpConfig> ips, IEnumerable<ResultRoute> routes)
    {
        var tables = new Dictionary<AddressFamily, IReadOnlyList<RouteSpec>>();
        IReadOnlyList<RouteSpec> MainRoutes(AddressFamily family) =>
            tables.TryGetValue(family, out var list) ? list : tables[family] = container.ListRoutes(family, MainTable);
        InterfaceIps(container, link, ips, MainRoutes);
        Routes(routes, MainRoutes);
    }

    /// <summary>Every address is on the interface and a main-table route to its subnet exists.</summary>
    private static void InterfaceIps(RtnlHandle container, LinkInfo link, IEnumerable<IpConfig> ips,
        Func<AddressFamily, IReadOnlyList<RouteSpec>> mainRoutes)
    {
        var ifName = link.Name;
        List<AddrInfo>? addresses = null;
        foreach (var ipc in ips)
        {
            addresses ??= container.DumpAddresses(AddressFamily.Unspecified, link.Index).ToList();
            var want = Addresses.ParseCidr(ipc.Address, "IP address");
            var wantIp = want.Address.ToIp();
            if (!addresses.Any(a => a.Address.Equals(wantIp) && a.PrefixLength == want.FamilyPrefix))
                throw new CniException(ErrorCode.Internal, $"Failed to match addr {ipc.Address} on interface {ifName}");
            var subnet = want.ToPrefix();
            if (!mainRoutes(subnet.BaseAddress.AddressFamily).Any(r => Equals(r.Destination, subnet)))
                throw new CniException(ErrorCode.Internal, $"Failed to find Gateway {ipc.Gateway ?? "<nil>"} for interface {ifName}");
        }
    }

    /// <summary>Every result route is in the main table: same destination and, unless it is a default route, same gateway.</summary>
    private static void Routes(IEnumerable<ResultRoute> routes, Func<AddressFamily, IReadOnlyList<RouteSpec>> mainRoutes)
    {
        foreach (var route in routes)
        {
            var dst = Addresses.ParseCidr(route.Dst, "route destination");
            var gw = Addresses.ParseIp(route.Gw, "route gateway")?.ToIp();
            var family = dst.Address.IsV4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
            var isDefault = dst.FamilyPrefix == 0;
            var want = isDefault ? (IPNetwork?)null : dst.ToPrefix();
            var found = mainRoutes(family).Any(r =>
                Equals(r.Destination, want)
                && (isDefault || gw is null || gw.Equals(r.Gateway) || (r.Multipath?.Any(h => gw.Equals(h.Gateway)) ?? false)));
            if (!found)
                throw new CniException(ErrorCode.Internal,
                    $"Expected Route {{Dst:{route.Dst} GW:{route.Gw ?? "<nil>"}}} not found in routing table");
        }
    }
}
