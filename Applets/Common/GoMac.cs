namespace CniBox.Applets.Common;

/// <summary>
/// Go's <c>net.ParseMAC</c>: 6, 8 or 20 bytes written as <c>00:00:5e:00:53:01</c>, <c>00-00-5e-00-53-01</c> or
/// <c>0000.5e00.5301</c>, one separator throughout, two hex digits per byte (four per dotted group).
/// </summary>
public static class GoMac
{
    /// <summary>The bytes, or null where Go says "address S: invalid MAC address".</summary>
    public static byte[]? TryParse(string s)
    {
        if (s.Length < 14) return null;
        if (s[2] is ':' or '-')
        {
            if ((s.Length + 1) % 3 != 0) return null;
            var n = (s.Length + 1) / 3;
            if (!IsValidLength(n)) return null;
            var bytes = new byte[n];
            for (int i = 0, x = 0; i < n; i++, x += 3)
                if (!TryByte(s, x, s[2], out bytes[i])) return null;
            return bytes;
        }
        if (s[4] == '.')
        {
            if ((s.Length + 1) % 5 != 0) return null;
            var n = 2 * (s.Length + 1) / 5;
            if (!IsValidLength(n)) return null;
            var bytes = new byte[n];
            for (int i = 0, x = 0; i < n; i += 2, x += 5)
            {
                if (!TryByte(s, x, null, out bytes[i]) || !TryByte(s, x + 2, '.', out bytes[i + 1])) return null;
            }
            return bytes;
        }
        return null;
    }

    /// <summary>Go's <c>AddrError</c> text for an address ParseMAC refuses.</summary>
    public static string InvalidText(string s) => $"address {s}: invalid MAC address";

    private static bool IsValidLength(int n) => n is 6 or 8 or 20;

    /// <summary>Two hex digits at <paramref name="at"/>, followed by <paramref name="separator"/> unless the text ends there.</summary>
    private static bool TryByte(string s, int at, char? separator, out byte value)
    {
        value = 0;
        if (at + 2 > s.Length) return false;
        if (separator is { } sep && at + 2 < s.Length && s[at + 2] != sep) return false;
        var hi = HexValue(s[at]);
        var lo = HexValue(s[at + 1]);
        if (hi < 0 || lo < 0) return false;
        value = (byte)(hi << 4 | lo);
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
