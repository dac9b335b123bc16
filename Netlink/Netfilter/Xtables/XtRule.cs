using System.Net;
using System.Text;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary><c>[!] -s|-d ADDRESS/PREFIX</c>, the address already masked as iptables stores it.</summary>
public sealed record XtAddress(IPAddress Address, int PrefixLength, bool Invert)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary><c>[!] -i|-o NAME</c>; a trailing <c>+</c> matches every name with that prefix.</summary>
public sealed record XtInterface(string Name, bool Invert);

/// <summary><c>[!] -p PROTOCOL</c> by number.</summary>
public sealed record XtProtocol(byte Number, bool Invert);

/// <summary>
/// One iptables rule of one family as iptables-nft 1.8.9 models it: the fixed part (addresses, interfaces,
/// protocol), the matches in order, and the target. <see cref="ToString"/> is the text <c>iptables -S</c> prints
/// after <c>-A CHAIN</c>: the canonical form two rules are compared by.
/// </summary>
public sealed record XtRule(
    bool Ipv6,
    XtAddress? Source,
    XtAddress? Destination,
    XtInterface? In,
    XtInterface? Out,
    XtProtocol? Protocol,
    IReadOnlyList<XtMatch> Matches,
    XtTarget? Target)
{
    public override string ToString()
    {
        var s = new StringBuilder();
        Address(s, 's', Source);
        Address(s, 'd', Destination);
        Interface(s, 'i', In);
        Interface(s, 'o', Out);
        if (Protocol is { } p)
            s.Append(p.Invert ? " ! -p " : " -p ").Append(XtProtocols.Name(p.Number));
        foreach (XtMatch m in Matches)
        {
            s.Append(" -m ").Append(m.Name);
            m.Save(s);
        }
        Target?.Save(s);
        return s.Length == 0 ? "" : s.ToString(1, s.Length - 1);
    }

    private static void Address(StringBuilder s, char flag, XtAddress? a)
    {
        if (a is not null)
            s.Append(a.Invert ? " ! -" : " -").Append(flag).Append(' ').Append(a);
    }

    private static void Interface(StringBuilder s, char flag, XtInterface? i)
    {
        if (i is not null)
            s.Append(i.Invert ? " ! -" : " -").Append(flag).Append(' ').Append(i.Name);
    }
}

/// <summary>Protocol numbers and the names <c>iptables -S</c> prints for them (Debian's /etc/protocols).</summary>
public static class XtProtocols
{
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte Sctp = 132;

    private static readonly (string Name, byte Number)[] Known =
    [
        ("icmp", 1), ("igmp", 2), ("tcp", 6), ("udp", 17), ("gre", 47), ("esp", 50), ("ah", 51), ("ipv6-icmp", 58),
        ("sctp", 132), ("udplite", 136),
    ];

    public static string Name(byte number) =>
        Known.FirstOrDefault(k => k.Number == number).Name ?? number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A name, <c>icmpv6</c>, or a number; 0 for <c>all</c>; null when unknown.</summary>
    public static byte? Parse(string text)
    {
        string lower = text.ToLowerInvariant();
        if (lower is "all" or "0")
            return 0;
        if (lower == "icmpv6")
            return 58;
        if (Known.FirstOrDefault(k => k.Name == lower) is { Name: not null } known)
            return known.Number;
        return byte.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out byte n) ? n : null;
    }
}
