using CniBox.Ipam.HostLocal;
using CniBox.Ipam.Static;

namespace CniBox.Ipam;

/// <summary>The IPAM types cnibox implements in-process, and the invoker L3 applets use to reach any IPAM.</summary>
public static class IpamRegistry
{
    /// <summary>Our implementation of <paramref name="type"/>, or null when the type must be exec'd.</summary>
    public static IIpamPlugin? Create(string type) => type switch
    {
        HostLocalPlugin.TypeName => new HostLocalPlugin(),
        "static" => new StaticPlugin(),
        _ => null,
    };

    /// <summary>
    /// Execs the IPAM plugin found in CNI_PATH, ours included. Running host-local in-process inside bridge/ptp
    /// corrupted managed memory in the NativeAOT binary (zeroed strings, lost rollbacks; reproducible with a
    /// ptp ADD that fails after IPAM), while the same code as its own process is clean. Until that is found,
    /// in-process IPAM (<see cref="IpamInvoker"/> with <see cref="Create"/>) stays off in the product.
    /// </summary>
    public static IIpamInvoker Invoker { get; } = new IpamInvoker(_ => null);
}
