using CniBox.Ipam;

namespace CniBox.Applets.Common;

/// <summary>The one place L3 applets get their IPAM invoker from.</summary>
public static class IpamInvokers
{
    /// <summary>
    /// Execs <c>&lt;CNI_PATH&gt;/&lt;ipam.type&gt;</c> for now; becomes the in-process registry
    /// (host-local, static) once it is merged.
    /// </summary>
    public static IIpamInvoker Default => new IpamInvoker(_ => null);
}
