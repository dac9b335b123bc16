using System.Globalization;
using System.Text;

namespace CniBox.Applets.Common.Netfilter;

/// <summary>The Go plugins' naming helpers (pkg/utils), reproduced so rules and chains they made are found again.</summary>
public static class GoNames
{
    /// <summary>
    /// utils.MustFormatHashWithPrefix: <paramref name="prefix"/> followed by the lowercase hex of sha512(<paramref name="toHash"/>),
    /// cut to <paramref name="length"/> characters.
    /// </summary>
    public static string HashWithPrefix(int length, string prefix, string toHash)
    {
        if (prefix.Length >= length || length > 128)
            throw new ArgumentOutOfRangeException(nameof(length), length, "invalid length");
        string hex = Convert.ToHexStringLower(Sha512.Hash(Encoding.UTF8.GetBytes(toHash)));
        return (prefix + hex)[..length];
    }

    /// <summary>Go's strconv.Quote (<c>%q</c>) for the characters CNI names can hold: escapes quotes, backslashes, controls.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (Rune r in value.EnumerateRunes())
        {
            switch (r.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (r.Value < 0x20 || r.Value == 0x7f)
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{r.Value:x2}");
                    else if (Rune.IsControl(r))
                        sb.Append(r.Value > 0xffff
                            ? string.Create(CultureInfo.InvariantCulture, $"\\U{r.Value:x8}")
                            : string.Create(CultureInfo.InvariantCulture, $"\\u{r.Value:x4}"));
                    else
                        sb.Append(r.ToString());
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
