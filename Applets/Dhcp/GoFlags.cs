namespace CniBox.Applets.Dhcp;

/// <summary>
/// Go's flag package as Go's <c>dhcp daemon</c> is called: <c>-name value</c>, <c>-name=value</c>, one or two
/// dashes, booleans bare or <c>=true|false</c>, parsing stops at the first non-flag or <c>--</c>; durations in Go's
/// syntax (<c>10s</c>, <c>1m2s</c>, <c>500ms</c>, <c>1h</c>).
/// </summary>
public sealed class GoFlags(IReadOnlySet<string> booleans, IReadOnlySet<string> valued)
{
    public Dictionary<string, string> Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--" || arg.Length < 2 || arg[0] != '-') break;
            var body = arg.TrimStart('-');
            if (arg.StartsWith("---", StringComparison.Ordinal) || body.Length == 0) throw new FormatException($"bad flag syntax: {arg}");
            string name = body, value;
            int eq = body.IndexOf('=');
            if (eq >= 0) name = body[..eq];
            if (booleans.Contains(name)) value = eq >= 0 ? body[(eq + 1)..] : "true";
            else if (valued.Contains(name))
            {
                if (eq >= 0) value = body[(eq + 1)..];
                else if (i + 1 < args.Count) value = args[++i];
                else throw new FormatException($"flag needs an argument: -{name}");
            }
            else throw new FormatException($"flag provided but not defined: -{name}");
            values[name] = value;
        }
        return values;
    }

    public static bool Bool(string text) => text switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new FormatException($"invalid boolean value {text}"),
    };

    /// <summary>Go's time.ParseDuration for the units a timeout needs: h, m, s, ms, us, ns, with decimals.</summary>
    public static TimeSpan Duration(string text)
    {
        if (text == "0") return TimeSpan.Zero;
        double total = 0;
        int i = 0;
        if (text.Length == 0) throw new FormatException($"invalid duration \"{text}\"");
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (start == i || !double.TryParse(text[start..i], System.Globalization.CultureInfo.InvariantCulture, out var number))
                throw new FormatException($"invalid duration \"{text}\"");
            int unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.') i++;
            total += text[unitStart..i] switch
            {
                "h" => number * 3600,
                "m" => number * 60,
                "s" => number,
                "ms" => number / 1e3,
                "us" or "µs" => number / 1e6,
                "ns" => number / 1e9,
                _ => throw new FormatException($"invalid duration \"{text}\""),
            };
        }
        return TimeSpan.FromSeconds(total);
    }
}
