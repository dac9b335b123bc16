using System.Globalization;

namespace CniBox.Spec.Addressing;

/// <summary>
/// A CIDR as Go's <c>net.ParseCIDR</c> reads it, keeping the address as written (host bits included).
/// <see cref="MaskBits"/> is the length of Go's mask: 128 for "::ffff:10.0.0.0/120", whose address is IPv4.
/// </summary>
public readonly struct IpNet : IEquatable<IpNet>
{
    public IpNet(IpAddr address, int prefix) : this(address, prefix, address.Bits)
    {
    }

    private IpNet(IpAddr address, int prefix, int maskBits)
    {
        if (prefix < 0 || prefix > maskBits) throw new ArgumentOutOfRangeException(nameof(prefix));
        (Address, Prefix, MaskBits) = (address, prefix, maskBits);
    }

    public IpAddr Address { get; }
    public int Prefix { get; }
    public int MaskBits { get; }

    /// <summary>The prefix within the address's own family (an IPv4-mapped /120 is a /24).</summary>
    public int FamilyPrefix => Math.Max(0, Prefix - (MaskBits - Address.Bits));

    /// <summary>The network mask as an integer of the address's family.</summary>
    public UInt128 Mask => Address.MaxValue & ~HostMask;

    /// <summary>The host part's bits, all ones.</summary>
    public UInt128 HostMask => FamilyPrefix == Address.Bits ? 0 : Address.MaxValue >> FamilyPrefix;

    public IpAddr Network => IpAddr.Of(Address.Value & Mask, Address.IsV4);

    /// <summary>The all-ones host: the broadcast for IPv4, the last address for IPv6.</summary>
    public IpAddr Last => IpAddr.Of(Address.Value | HostMask, Address.IsV4);

    public bool HasHostBits => (Address.Value & HostMask) != 0;

    public bool Contains(IpAddr ip) => ip.IsV4 == Address.IsV4 && (ip.Value & Mask) == (Address.Value & Mask);

    public bool Overlaps(IpNet other) =>
        Address.IsV4 == other.Address.IsV4 && Network <= other.Last && other.Network <= Last;

    /// <summary>The same prefix over the network address.</summary>
    public IpNet ToNetwork() => new(Network, Prefix, MaskBits);

    /// <summary>This subnet's prefix over another address: "10.1.0.5/16" for a reserved IP.</summary>
    public IpNet WithAddress(IpAddr ip) => new(ip, FamilyPrefix);

    public static IpNet Parse(string text) =>
        TryParse(text, out var net) ? net : throw new FormatException($"invalid CIDR address: {text}");

    public static bool TryParse(ReadOnlySpan<char> text, out IpNet net)
    {
        net = default;
        var slash = text.IndexOf('/');
        if (slash < 0 || !IpAddr.TryParse(text[..slash], out var ip)) return false;
        var digits = text[(slash + 1)..];
        if (digits.Length == 0 || digits.ContainsAnyExcept("0123456789")) return false;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)) return false;
        var maskBits = text[..slash].IndexOf(':') >= 0 ? 128 : 32;
        if (prefix > maskBits) return false;
        net = new IpNet(ip, prefix, maskBits);
        return true;
    }

    public bool Equals(IpNet other) => Address == other.Address && Prefix == other.Prefix && MaskBits == other.MaskBits;
    public override bool Equals(object? obj) => obj is IpNet other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Address, Prefix, MaskBits);
    public static bool operator ==(IpNet a, IpNet b) => a.Equals(b);
    public static bool operator !=(IpNet a, IpNet b) => !a.Equals(b);

    /// <summary>Go's <c>IPNet.String()</c>: the address as written, a slash, the prefix in its family.</summary>
    public override string ToString() => Address + "/" + FamilyPrefix.ToString(CultureInfo.InvariantCulture);
}
