using CniBox.Spec.Addressing;

namespace CniBox.Ipam.HostLocal;

/// <summary>One canonical range of a range set: inclusive [RangeStart, RangeEnd] inside Subnet.</summary>
public sealed class IpRange
{
    private IpRange(IpNet subnet, IpAddr start, IpAddr end, IpAddr gateway) =>
        (Subnet, RangeStart, RangeEnd, Gateway) = (subnet, start, end, gateway);

    public IpNet Subnet { get; }
    public IpAddr RangeStart { get; }
    public IpAddr RangeEnd { get; }
    public IpAddr Gateway { get; }
    public bool IsV4 => Subnet.Address.IsV4;

    /// <summary>
    /// Go's <c>Range.Canonicalize</c>: fills the defaults (gateway and start = network+1; end = broadcast-1
    /// for IPv4, the last address for IPv6) and rejects what Go rejects, with Go's texts (FormatException).
    /// </summary>
    public static IpRange Create(IpNet subnet, IpAddr? rangeStart = null, IpAddr? rangeEnd = null, IpAddr? gateway = null)
    {
        if (subnet.Prefix > subnet.MaskBits - 2) throw new FormatException($"Network {subnet} too small to allocate from");
        if (subnet.Address.Bits != subnet.MaskBits) throw new FormatException("IPNet IP and Mask version mismatch");
        if (subnet.HasHostBits)
            throw new FormatException($"Network has host bits set. For a subnet mask of length {subnet.Prefix} the network address is {subnet.Network}");
        var network = subnet.Network;
        var gw = gateway ?? network.Next();
        var inSubnet = (IpAddr ip) => subnet.Contains(ip);
        IpAddr start;
        if (rangeStart is { } s)
        {
            // Go compares the start with a still uncanonicalised (16-byte) end, which only bites for IPv6.
            if (!inSubnet(s) || (rangeEnd is { } e && !s.IsV4 && s > e))
                throw new FormatException($"RangeStart {s} not in network {subnet}");
            start = s;
        }
        else
        {
            start = network.Next();
        }
        IpAddr end;
        if (rangeEnd is { } en)
        {
            if (!inSubnet(en) || en < start) throw new FormatException($"RangeEnd {en} not in network {subnet}");
            end = en;
        }
        else
        {
            end = subnet.Address.IsV4 ? subnet.Last.Previous() : subnet.Last;
        }
        return new IpRange(subnet, start, end, gw);
    }

    /// <summary>In this range's family, subnet and [start, end].</summary>
    public bool Contains(IpAddr ip) => Subnet.Contains(ip) && ip >= RangeStart && ip <= RangeEnd;

    /// <summary>Same family and intersecting [start, end] intervals.</summary>
    public bool Overlaps(IpRange other) =>
        IsV4 == other.IsV4 && RangeStart <= other.RangeEnd && other.RangeStart <= RangeEnd;

    /// <summary>Addresses the iterator never hands out: the gateway, the network address and the IPv4 broadcast.</summary>
    public bool IsReserved(IpAddr ip) => ip == Gateway || ip == Subnet.Network || (IsV4 && ip == Subnet.Last);

    /// <summary>Go's <c>Range.String()</c>: "start-end".</summary>
    public override string ToString() => $"{RangeStart}-{RangeEnd}";
}
