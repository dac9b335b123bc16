using CniBox.Spec.Addressing;
using CniBox.Spec.Results;

namespace CniBox.Applets.Common.Chained;

/// <summary>The container's first IPv4 and first IPv6 address (either may be missing).</summary>
public sealed record SandboxAddresses(IpNet? V4, IpNet? V6);

/// <summary>
/// The interface CNI_IFNAME names in a prevResult, and its addresses, by the rules Go's chained plugins share
/// (portmap's parseConfig): an interface is the container's when it has that name and a sandbox.
/// </summary>
public static class SandboxInterface
{
    /// <summary>The index and entry of the first interface named <paramref name="ifName"/> with a sandbox, or null.</summary>
    public static (int Index, ResultInterface Interface)? Find(CniResult prevResult, string ifName)
    {
        for (var i = 0; i < prevResult.Interfaces.Count; i++)
        {
            var iface = prevResult.Interfaces[i];
            if (iface.Name == ifName && !string.IsNullOrEmpty(iface.Sandbox)) return (i, iface);
        }
        return null;
    }

    /// <summary>
    /// The first v4 and first v6 address, in result order, that may be the container's. Only an address whose
    /// <c>interface</c> index points at a listed interface with another name or no sandbox is someone else's;
    /// one without an index, or with an index outside the list, is taken, as Go does.
    /// </summary>
    public static SandboxAddresses Addresses(CniResult prevResult, string ifName)
    {
        IpNet? v4 = null, v6 = null;
        foreach (var ipc in prevResult.Ips)
        {
            var address = Common.Addresses.ParseCidr(ipc.Address, "IP address");
            if (address.Address.IsV4 ? v4 is not null : v6 is not null) continue;
            if (ipc.Interface is { } index && index >= 0 && index < prevResult.Interfaces.Count)
            {
                var owner = prevResult.Interfaces[index];
                if (owner.Name != ifName || string.IsNullOrEmpty(owner.Sandbox)) continue;
            }
            if (address.Address.IsV4) v4 = address;
            else v6 = address;
        }
        return new SandboxAddresses(v4, v6);
    }
}
