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

    /// <summary>Runs our types in-process when CNI_PATH resolves them to this binary, else execs them.</summary>
    public static IIpamInvoker Invoker { get; } = new IpamInvoker(Create);
}
