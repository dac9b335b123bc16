using System.Globalization;
using System.Text;

namespace CniBox.Spec.Addressing;

/// <summary>
/// An IPv4 or IPv6 address as a 128-bit integer plus its family. Parsing follows Go's <c>net.ParseIP</c>
/// (strict dotted quads, no zones, at most 4 hex digits per group) and, like host-local's canonicalizeIP,
/// turns IPv4-mapped IPv6 into IPv4. Text is exactly what Go prints. The one IP model of cnibox: results,
/// IPAM and applets parse and print addresses through it (with <see cref="IpNet"/> for CIDRs).
/// </summary>
public readonly struct IpAddr : IEquatable<IpAddr>, IComparable<IpAddr>
{
    private IpAddr(UInt128 value, bool isV4) => (Value, IsV4) = (value, isV4);

    public UInt128 Value { get; }
    public bool IsV4 { get; }
    public int Bits => IsV4 ? 32 : 128;
    /// <summary>The all-ones address of this family.</summary>
    public UInt128 MaxValue => IsV4 ? uint.MaxValue : UInt128.MaxValue;

    public static IpAddr V4(uint value) => new(value, true);
    public static IpAddr V6(UInt128 value) => new(value, false);
    public static IpAddr Of(UInt128 value, bool isV4) => isV4 ? V4((uint)value) : V6(value);

    public static IpAddr Parse(string text) =>
        TryParse(text, out var ip) ? ip : throw new FormatException($"invalid IP address: {text}");

    public static bool TryParse(ReadOnlySpan<char> text, out IpAddr ip)
    {
        ip = default;
        if (text.IndexOf(':') >= 0)
        {
            if (!TryParseV6(text, out var v6)) return false;
            ip = (v6 >> 32) == 0xffff ? V4((uint)v6) : V6(v6);
            return true;
        }
        if (!TryParseV4(text, out var v4)) return false;
        ip = V4(v4);
        return true;
    }

    /// <summary>The next address, wrapping to zero after the last one as Go's ip.NextIP does.</summary>
    public IpAddr Next() => Add(1);

    public IpAddr Previous() => Of((Value - 1) & MaxValue, IsV4);

    /// <summary>This address plus <paramref name="offset"/>, modulo the family's size.</summary>
    public IpAddr Add(UInt128 offset) => Of((Value + offset) & MaxValue, IsV4);

    public IpAddr Subtract(UInt128 offset) => Of((Value - offset) & MaxValue, IsV4);

    /// <summary>4 or 16 bytes in network order.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[IsV4 ? 4 : 16];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)(Value >> (8 * (bytes.Length - 1 - i)));
        return bytes;
    }

    public bool Equals(IpAddr other) => Value == other.Value && IsV4 == other.IsV4;
    public override bool Equals(object? obj) => obj is IpAddr other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Value, IsV4);

    /// <summary>IPv4 sorts before IPv6; within a family by value.</summary>
    public int CompareTo(IpAddr other) => IsV4 != other.IsV4 ? (IsV4 ? -1 : 1) : Value.CompareTo(other.Value);

    public static bool operator ==(IpAddr a, IpAddr b) => a.Equals(b);
    public static bool operator !=(IpAddr a, IpAddr b) => !a.Equals(b);
    public static bool operator <(IpAddr a, IpAddr b) => a.CompareTo(b) < 0;
    public static bool operator >(IpAddr a, IpAddr b) => a.CompareTo(b) > 0;
    public static bool operator <=(IpAddr a, IpAddr b) => a.CompareTo(b) <= 0;
    public static bool operator >=(IpAddr a, IpAddr b) => a.CompareTo(b) >= 0;

    public override string ToString()
    {
        if (IsV4)
        {
            var v = (uint)Value;
            return string.Create(CultureInfo.InvariantCulture, $"{v >> 24}.{(v >> 16) & 0xff}.{(v >> 8) & 0xff}.{v & 0xff}");
        }
        return FormatV6(Value);
    }

    private static bool TryParseV4(ReadOnlySpan<char> s, out uint value)
    {
        value = 0;
        for (var part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (s.Length == 0 || s[0] != '.') return false;
                s = s[1..];
            }
            var n = 0;
            var digits = 0;
            while (digits < s.Length && char.IsAsciiDigit(s[digits]))
            {
                if (digits == 3 || (digits == 1 && s[0] == '0')) return false;
                n = n * 10 + (s[digits] - '0');
                digits++;
            }
            if (digits == 0 || n > 255) return false;
            value = (value << 8) | (uint)n;
            s = s[digits..];
        }
        return s.Length == 0;
    }

    private static bool TryParseV6(ReadOnlySpan<char> s, out UInt128 value)
    {
        value = 0;
        Span<ushort> groups = stackalloc ushort[8];
        var count = 0;
        var ellipsis = -1;
        if (s.StartsWith("::"))
        {
            ellipsis = 0;
            s = s[2..];
        }
        while (s.Length > 0 && count < 8)
        {
            var digits = 0;
            var acc = 0;
            while (digits < s.Length && char.IsAsciiHexDigit(s[digits]))
            {
                if (digits == 4) return false;
                acc = (acc << 4) | HexValue(s[digits]);
                digits++;
            }
            if (digits < s.Length && s[digits] == '.')
            {
                // An embedded IPv4 tail takes the last two groups.
                if ((ellipsis < 0 && count != 6) || count > 6 || !TryParseV4(s, out var v4)) return false;
                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = (ushort)v4;
                s = [];
                break;
            }
            if (digits == 0) return false;
            groups[count++] = (ushort)acc;
            s = s[digits..];
            if (s.Length == 0) break;
            if (s[0] != ':' || s.Length == 1) return false;
            s = s[1..];
            if (s[0] == ':')
            {
                if (ellipsis >= 0) return false;
                ellipsis = count;
                s = s[1..];
            }
        }
        if (s.Length != 0) return false;
        if (count < 8)
        {
            if (ellipsis < 0) return false;
            var shift = 8 - count;
            for (var i = count - 1; i >= ellipsis; i--) groups[i + shift] = groups[i];
            for (var i = ellipsis; i < ellipsis + shift; i++) groups[i] = 0;
        }
        else if (ellipsis >= 0)
        {
            return false;
        }
        foreach (var g in groups) value = (value << 16) | g;
        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>Eight 16-bit groups as Go prints them (RFC 5952): the longest run of two or more zero groups, first on ties, becomes "::".</summary>
    private static string FormatV6(UInt128 value)
    {
        Span<int> groups = stackalloc int[8];
        for (var i = 0; i < 8; i++) groups[i] = (ushort)(value >> (16 * (7 - i)));
        int bestStart = -1, bestLen = 0;
        for (var i = 0; i < 8;)
        {
            if (groups[i] != 0) { i++; continue; }
            var j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i >= 2 && j - i > bestLen) (bestStart, bestLen) = (i, j - i);
            i = j;
        }
        var sb = new StringBuilder(39);
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                sb.Append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.Length > 0 && sb[^1] != ':') sb.Append(':');
            sb.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
