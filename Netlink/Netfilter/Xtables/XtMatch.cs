using System.Globalization;
using System.Text;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary>
/// One <c>-m NAME</c> of a rule: the options it takes while a rule is parsed, the expressions iptables-nft writes for
/// it, and the text <c>iptables -S</c> prints after <c>-m NAME</c>. Built only by <see cref="XtRuleParser"/> and
/// <see cref="XtRuleDecoder"/>; complete once they return it.
/// </summary>
public abstract class XtMatch
{
    public abstract string Name { get; }

    /// <summary>Takes <c>[!] OPTION VALUE</c> when it is one of this match's; false leaves it to others.</summary>
    internal abstract bool TryOption(string option, string value, bool invert);

    /// <summary>Throws <see cref="XtRuleException"/> when a required option is missing.</summary>
    internal virtual void Complete()
    {
    }

    internal abstract void Encode(List<NftExpr> program, XtRule rule);

    public abstract void Save(StringBuilder s);

    public override string ToString()
    {
        var s = new StringBuilder("-m ").Append(Name);
        Save(s);
        return s.ToString();
    }

    /// <summary>xtables_save_string: bare when only <c>[_-0-9a-zA-Z]</c>, else double-quoted with <c>" \ '</c> escaped.</summary>
    internal static void SaveString(StringBuilder s, string value)
    {
        s.Append(' ');
        if (value.Length > 0 && value.All(c => c is '_' or '-' or (>= '0' and <= '9') or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z')))
        {
            s.Append(value);
            return;
        }
        s.Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\' or '\'')
                s.Append('\\');
            s.Append(c);
        }
        s.Append('"');
    }

    /// <summary>strtoul with base 0 for decimal and 0x hex, as iptables reads marks and numbers.</summary>
    internal static uint ParseNumber(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint hex) ? hex
        : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint dec) ? dec
        : throw new XtRuleException($"bad number \"{text}\"");

    internal static string Hex(uint value) => "0x" + value.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An argument list iptables would refuse, or one this encoding does not cover; the message says which.</summary>
public sealed class XtRuleException(string message) : FormatException(message);
