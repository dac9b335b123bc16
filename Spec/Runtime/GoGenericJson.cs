using System.Globalization;
using System.Text;
using System.Text.Json;
using CniBox.Spec.Json;

namespace CniBox.Spec.Runtime;

/// <summary>
/// What Go's <c>json.Unmarshal</c> into <c>interface{}</c> followed by <c>json.Marshal</c> does to a document, which
/// is how libcni rewrites every plugin config (<c>InjectConf</c>) and the cached result: object keys sorted by their
/// UTF-8 bytes at every level, a repeated key keeps its last value, and numbers become float64 and are printed
/// as Go prints a float64 (<c>1.0</c> is <c>1</c>, <c>1e2</c> is <c>100</c>, 1e21 and up in e-notation).
/// </summary>
internal static class GoGenericJson
{
    /// <summary>Go's byte-wise string order (<c>strings.Compare</c>), which differs from UTF-16 order only past the BMP.</summary>
    public static readonly IComparer<string> KeyOrder = Comparer<string>.Create(CompareUtf8);

    public static string Marshal(JsonElement value)
    {
        var w = new GoJsonWriter(indented: false);
        Write(w, value);
        return w.ToString();
    }

    public static void Write(GoJsonWriter w, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                w.StartObject();
                foreach (var (key, member) in Members(value))
                {
                    w.Name(key);
                    Write(w, member);
                }
                w.EndObject();
                break;
            case JsonValueKind.Array:
                w.StartArray();
                foreach (var item in value.EnumerateArray()) Write(w, item);
                w.EndArray();
                break;
            case JsonValueKind.String: w.String(value.GetString()!); break;
            case JsonValueKind.Number: w.Literal(FormatNumber(value)); break;
            case JsonValueKind.True: w.Bool(true); break;
            case JsonValueKind.False: w.Bool(false); break;
            default: w.Null(); break;
        }
    }

    /// <summary>An object's members as a Go map holds them: sorted, the last of repeated keys winning.</summary>
    public static SortedDictionary<string, JsonElement> Members(JsonElement obj)
    {
        var members = new SortedDictionary<string, JsonElement>(KeyOrder);
        foreach (var p in obj.EnumerateObject()) members[p.Name] = p.Value;
        return members;
    }

    /// <summary>A JSON number as Go's encoding/json prints the float64 it decodes to.</summary>
    public static string FormatNumber(JsonElement number)
    {
        if (!number.TryGetDouble(out var f) || !double.IsFinite(f))
            throw new FormatException($"json: cannot unmarshal number {number.GetRawText()} into Go value of type float64");
        return FormatFloat64(f);
    }

    /// <summary>
    /// Go's float encoder: <c>strconv.AppendFloat(f, 'f', -1, 64)</c>, or <c>'e'</c> when |f| &lt; 1e-6 or ≥ 1e21,
    /// with a two-digit negative exponent shortened (<c>e-07</c> to <c>e-7</c>).
    /// </summary>
    public static string FormatFloat64(double f)
    {
        if (f == 0) return double.IsNegative(f) ? "-0" : "0";
        // Shortest round-trip digits; .NET may print them in either notation, so take them apart.
        var text = f.ToString("R", CultureInfo.InvariantCulture);
        var negative = text[0] == '-';
        if (negative) text = text[1..];
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var dot = text.IndexOf('.');
        var digits = dot >= 0 ? text.Remove(dot, 1) : text;
        var point = (dot >= 0 ? dot : text.Length) + exponent;
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits[lead..];
        point -= lead;
        digits = digits.TrimEnd('0');

        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        var abs = Math.Abs(f);
        if (abs < 1e-6 || abs >= 1e21)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            var exp = point - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+');
            var expText = Math.Abs(exp).ToString(CultureInfo.InvariantCulture);
            // Go prints at least two exponent digits, then drops the zero of a negative one.
            if (expText.Length < 2 && exp >= 0) expText = "0" + expText;
            sb.Append(expText);
        }
        else if (point <= 0)
        {
            sb.Append("0.").Append('0', -point).Append(digits);
        }
        else if (point >= digits.Length)
        {
            sb.Append(digits).Append('0', point - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }
        return sb.ToString();
    }

    private static int CompareUtf8(string? a, string? b)
    {
        if (a is null || b is null) return string.CompareOrdinal(a, b);
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            if (a[i] == b[i]) continue;
            // Surrogates (U+D800-DFFF) encode code points above U+FFFF, which sort after U+E000-FFFF in UTF-8.
            if (char.IsSurrogate(a[i]) != char.IsSurrogate(b[i]) && (a[i] >= 0xE000 || b[i] >= 0xE000))
                return char.IsSurrogate(a[i]) ? 1 : -1;
            return a[i].CompareTo(b[i]);
        }
        return a.Length.CompareTo(b.Length);
    }
}
