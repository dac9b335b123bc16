using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CniBox.Spec.Results;

/// <summary>
/// IP and CIDR text as Go's net package reads and prints it: strict dotted quads, no zones,
/// IPv4-mapped IPv6 printed as IPv4, RFC 5952 for the rest. A CIDR keeps its host bits ("10.1.0.5/16").
/// </summary>
public static class IpText
{
    /// <summary>Canonical text of an IP address, or null when Go's net.ParseIP would reject it.</summary>
    public static string? CanonicalIp(string? text)
    {
        if (text is null || !TryParse(text, out var bytes)) return null;
        return Format(bytes);
    }

    /// <summary>Canonical text of "ip/prefix", or null when Go's net.ParseCIDR would reject it.</summary>
    public static string? CanonicalCidr(string? text)
    {
        if (text is null) return null;
        var slash = text.IndexOf('/');
        if (slash < 0 || !TryParse(text[..slash], out var bytes)) return null;
        var prefixText = text[(slash + 1)..];
        if (prefixText.Length == 0 || !prefixText.All(char.IsAsciiDigit)) return null;
        if (!int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)) return null;
        if (prefix > bytes.Length * 8) return null;
        if (bytes.Length == 16 && IsV4Mapped(bytes)) prefix = Math.Max(0, prefix - 96);
        return Format(bytes) + "/" + prefix.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>True when the canonical text is an IPv4 address or network (Go's <c>IP.To4() != nil</c>).</summary>
    public static bool IsV4(string? canonical) => canonical is not null && canonical.Contains('.') && !canonical.Contains(':');

    private static bool TryParse(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Contains(':'))
        {
            if (text.AsSpan().IndexOfAny("%[]/ ") >= 0) return false;
            if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6) return false;
            var tail = text.LastIndexOf(':');
            if (text.IndexOf('.', tail) >= 0 && !TryParseV4(text[(tail + 1)..], out _)) return false;
            bytes = ip.GetAddressBytes();
            return true;
        }
        if (!TryParseV4(text, out var v4)) return false;
        bytes = v4;
        return true;
    }

    private static bool TryParseV4(string text, out byte[] bytes)
    {
        bytes = new byte[4];
        var parts = text.Split('.');
        if (parts.Length != 4) return false;
        for (var i = 0; i < 4; i++)
        {
            var p = parts[i];
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0')) return false;
            var n = int.Parse(p, CultureInfo.InvariantCulture);
            if (n > 255) return false;
            bytes[i] = (byte)n;
        }
        return true;
    }

    private static bool IsV4Mapped(byte[] b) =>
        b.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0 && b[10] == 0xff && b[11] == 0xff;

    private static string Format(byte[] b)
    {
        if (b.Length == 4) return $"{b[0]}.{b[1]}.{b[2]}.{b[3]}";
        if (IsV4Mapped(b)) return $"{b[12]}.{b[13]}.{b[14]}.{b[15]}";
        Span<int> groups = stackalloc int[8];
        for (var i = 0; i < 8; i++) groups[i] = (b[2 * i] << 8) | b[2 * i + 1];
        return FormatV6Groups(groups);
    }

    /// <summary>Eight 16-bit groups as Go prints them (RFC 5952): the longest run of two or more zero groups, first on ties, becomes "::".</summary>
    public static string FormatV6Groups(ReadOnlySpan<int> groups)
    {
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
