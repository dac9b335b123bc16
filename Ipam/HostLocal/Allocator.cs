using CniBox.Spec;
using CniBox.Spec.Addressing;

namespace CniBox.Ipam.HostLocal;

/// <summary>One allocated address: the IP with its subnet's prefix ("10.1.0.5/16") and the range's gateway.</summary>
public readonly record struct Allocation(IpNet Address, IpAddr Gateway);

/// <summary>
/// Allocates one IP from one range set (Go's IPAllocator). The caller holds the store's lock. Errors are
/// plain plugin errors (code 999) with Go's texts.
/// </summary>
public sealed class Allocator(RangeSet set, int rangeSetIndex, IStore store)
{
    public RangeSet Set => set;
    public int Index => rangeSetIndex;

    /// <summary>
    /// Reserves <paramref name="requested"/> when given (it must lie in the set and not be a gateway);
    /// otherwise refuses a second IP for the owner in this set (<paramref name="owned"/>: the owner's IPs as
    /// <see cref="IStore.GetByOwner"/> returns them) and takes the next free address round-robin.
    /// </summary>
    public Allocation Get(string containerId, string ifName, IpAddr? requested, IReadOnlyCollection<IpAddr> owned)
    {
        if (requested is { } want)
        {
            var range = set.RangeFor(want) ?? throw Fail($"{want} not in range set {set}");
            if (want == range.Gateway) throw Fail($"requested ip {want} is subnet's gateway");
            if (!store.Reserve(containerId, ifName, want, rangeSetIndex))
                throw Fail($"requested IP address {want} is not available in range set {set}");
            return new Allocation(range.Subnet.WithAddress(want), range.Gateway);
        }
        foreach (var ip in owned)
        {
            if (set.Contains(ip)) throw Fail($"{ip} has been allocated to {containerId}, duplicate allocation is not allowed");
        }
        var iterator = Iterator();
        while (iterator.TryNext(out var ip, out var range))
        {
            if (store.Reserve(containerId, ifName, ip, rangeSetIndex)) return new Allocation(range.Subnet.WithAddress(ip), range.Gateway);
        }
        throw Fail($"no IP addresses available in range set: {set}");
    }

    /// <summary>The round-robin iterator starting after this set's last reserved IP.</summary>
    public RangeIterator Iterator() => new(set, store.LastReservedIp(rangeSetIndex));

    /// <summary>
    /// Whether some address of the set is neither allocated nor skipped by the iterator, counted without
    /// walking the ranges (which may be huge IPv6 ranges).
    /// </summary>
    public bool HasFree(IReadOnlyCollection<IpAddr> allocated)
    {
        foreach (var range in set)
        {
            var size = range.RangeEnd.Value - range.RangeStart.Value + 1;
            var unusable = new HashSet<IpAddr>();
            foreach (var ip in allocated)
                if (range.Contains(ip)) unusable.Add(ip);
            foreach (var skipped in new[] { range.Gateway, range.Subnet.Network, range.Subnet.Last })
            {
                if (range.Contains(skipped) && range.IsReserved(skipped)) unusable.Add(skipped);
            }
            if (size == 0 || (UInt128)unusable.Count < size) return true;
        }
        return false;
    }

    private static CniException Fail(string message) => new(ErrorCode.Internal, message);
}
