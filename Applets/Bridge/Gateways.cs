using CniBox.Applets.Common;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Results;

namespace CniBox.Applets.Bridge;

/// <summary>Go's calcGateways over a bridge result.</summary>
internal static class Gateways
{
    /// <summary>
    /// Every IP gets <c>interface: 2</c> (the container veth). With isGateway a missing gateway becomes the
    /// subnet's first address; with isDefaultGateway each family gets a default route via the gateway of its
    /// first IP (<see cref="RequireDefaultRoute"/>). Returns the gateway addresses (with the IP's prefix) for
    /// the bridge.
    /// </summary>
    public static List<IpNet> Compute(CniResult result, BridgeConfig cfg)
    {
        var gateways = new List<IpNet>();
        string? v4Default = null, v6Default = null;
        foreach (var ipc in result.Ips)
        {
            var address = Addresses.ParseCidr(ipc.Address, "IP address");
            ipc.Interface = 2;
            if (string.IsNullOrEmpty(ipc.Gateway) && cfg.ActsAsGateway)
                ipc.Gateway = address.Network.Next().ToString();
            if (address.Address.IsV4) v4Default ??= ipc.Gateway;
            else v6Default ??= ipc.Gateway;
            if (cfg.ActsAsGateway && Addresses.ParseIp(ipc.Gateway, "gateway") is { } gw)
                gateways.Add(address.WithAddress(gw));
        }
        if (cfg.IsDefaultGateway)
        {
            // In the order the families first appear, as Go appends them.
            foreach (var ipc in result.Ips)
            {
                var isV4 = Addresses.ParseCidr(ipc.Address, "IP address").Address.IsV4;
                ref var via = ref isV4 ? ref v4Default : ref v6Default;
                if (via is null) continue;
                RequireDefaultRoute(result, isV4, via);
                via = null;
            }
        }
        return gateways;
    }

    /// <summary>
    /// isDefaultGateway asks for one default route via <paramref name="gateway"/>. IPAM's default routes of the
    /// family without a <c>gw</c> (they would go via the first gateway anyway) or via that gateway are the same
    /// route: it is kept, once, with its gateway written out. Go 1.1.1 adds a second copy of a gateway-less one and
    /// fails with "file exists". When IPAM's default routes all go via other gateways, the two ask for different
    /// default routes: code 7 naming both (Go silently keeps IPAM's).
    /// </summary>
    private static void RequireDefaultRoute(CniResult result, bool isV4, string gateway)
    {
        var dst = isV4 ? "0.0.0.0/0" : "::/0";
        var defaults = result.Routes.Where(r => IsDefault(r.Dst, isV4)).ToList();
        if (defaults.Count == 0)
        {
            result.Routes.Add(new ResultRoute { Dst = dst, Gw = gateway });
            return;
        }
        var via = Addresses.ParseIp(gateway, "gateway");
        var same = defaults.Where(r => string.IsNullOrEmpty(r.Gw) || Addresses.ParseIp(r.Gw, "route gateway") == via).ToList();
        if (same.Count == 0)
            throw new CniException(ErrorCode.InvalidNetworkConfig,
                $"isDefaultGateway routes {dst} via the bridge gateway {gateway}, but IPAM routes it via " +
                $"{string.Join(", ", defaults.Select(r => r.Gw))}: set one of the two");
        foreach (var route in same) route.Gw = gateway;
        // The same destination and gateway twice would be one kernel route added twice ("file exists").
        foreach (var duplicate in same.Skip(1).Where(r => SameRoute(r, same[0])))
            result.Routes.Remove(duplicate);
    }

    private static bool SameRoute(ResultRoute a, ResultRoute b) =>
        a.Priority == b.Priority && a.Table == b.Table && a.Scope == b.Scope && a.Mtu == b.Mtu && a.AdvMss == b.AdvMss;

    private static bool IsDefault(string dst, bool v4) =>
        IpNet.TryParse(dst, out var net) && net.FamilyPrefix == 0 && net.Address.IsV4 == v4;
}
