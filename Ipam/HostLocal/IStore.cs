using CniBox.Spec.Addressing;
using CniBox.Spec.Config;

namespace CniBox.Ipam.HostLocal;

/// <summary>
/// host-local's allocation state for one network. Every member except <see cref="Lock"/> must be called
/// while holding the lock.
/// </summary>
public interface IStore : IDisposable
{
    /// <summary>Takes the network's exclusive lock; dispose the result to release it.</summary>
    IDisposable Lock();

    /// <summary>Claims <paramref name="ip"/> for the owner and records it as the set's last reserved IP; false when taken.</summary>
    bool Reserve(string containerId, string ifName, IpAddr ip, int rangeSetIndex);

    /// <summary>The set's last reserved IP, or null when there is none or it does not parse.</summary>
    IpAddr? LastReservedIp(int rangeSetIndex);

    /// <summary>IPs held by (id, ifName), plus legacy id-only allocations of the id (Go's GetByID).</summary>
    IReadOnlyList<IpAddr> GetByOwner(string containerId, string ifName);

    /// <summary>Some allocation of (id, ifName), or else a legacy one of the id, exists (Go's FindByID).</summary>
    bool HasOwner(string containerId, string ifName);

    /// <summary>
    /// Frees every IP of (id, ifName); only when there is none, the legacy id-only ones (Go's ReleaseByID).
    /// Returns how many were freed.
    /// </summary>
    int Release(string containerId, string ifName);

    /// <summary>
    /// GC: frees every allocation whose owner is not in <paramref name="valid"/>; a legacy id-only allocation
    /// stays when its id is valid with any ifname. Returns how many were freed.
    /// </summary>
    int ReleaseAllExcept(IReadOnlyCollection<Attachment> valid);

    /// <summary>Every allocated IP.</summary>
    IReadOnlyCollection<IpAddr> Allocated();
}
