using CniBox.Applets.Common;
using CniBox.Spec.Addressing;
using CniBox.Spec.Results;

namespace CniBox.Applets.Bridge;

/// <summary>Go's calcGateways over a bridge result.</summary>
internal static class Gateways
{
    /// <summary>
    /// Every IP gets <c>interface: 2</c> (the container veth). With isGateway a missing gateway becomes the
    /// subnet's first address; with isDefaultGateway a default route via it is added per family unless IPAM
    /// already gave one with a gateway. Returns the gateway addresses (with the IP's prefix) for the bridge.
    /// </summary>
    public static List<IpNet> Compute(CniResult result, BridgeConfig cfg)
    {
        var gateways = new List<IpNet>();
        bool v4Default = false, v6Default = false;
        foreach (var ipc in result.Ips)
        {
            var address = Addresses.ParseCidr(ipc.Address, "IP address");
            var isV4 = address.Address.IsV4;
            ipc.Interface = 2;
            if (string.IsNullOrEmpty(ipc.Gateway) && cfg.ActsAsGateway)
                ipc.Gateway = address.Network.Next().ToString();
            if (cfg.IsDefaultGateway)
            {
                ref var found = ref isV4 ? ref v4Default : ref v6Default;
                found = found || result.Routes.Any(r => !string.IsNullOrEmpty(r.Gw) && IsDefault(r.Dst, isV4));
                if (!found)
                {
                    result.Routes.Add(new ResultRoute { Dst = isV4 ? "0.0.0.0/0" : "::/0", Gw = ipc.Gateway });
                    found = true;
                }
            }
            if (cfg.ActsAsGateway && Addresses.ParseIp(ipc.Gateway, "gateway") is { } gw)
                gateways.Add(address.WithAddress(gw));
        }
        return gateways;
    }

    private static bool IsDefault(string dst, bool v4) =>
        IpNet.TryParse(dst, out var net) && net.FamilyPrefix == 0 && net.Address.IsV4 == v4;
}
