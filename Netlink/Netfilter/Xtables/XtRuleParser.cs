using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary>
/// Reads an iptables rule specification (the arguments after <c>-A CHAIN</c>) the way iptables 1.8.9 does for the
/// options covered here: <c>-s -d -i -o -p</c>, <c>!</c>, <c>-m</c> comment, conntrack, multiport, addrtype, mark, tcp,
/// udp, sctp (tcp/udp/sctp also implied by <c>-p</c>), <c>-j</c> ACCEPT, DROP, RETURN, a chain, MASQUERADE, DNAT,
/// MARK, and <c>-g</c>. Anything else throws <see cref="XtRuleException"/> naming it.
/// </summary>
public static class XtRuleParser
{
    public static XtRule Parse(IReadOnlyList<string> args, bool ipv6)
    {
        XtAddress? source = null, destination = null;
        XtInterface? input = null, output = null;
        XtProtocol? protocol = null;
        var matches = new List<XtMatch>();
        XtMatch? current = null;
        XtTarget? target = null;
        bool invert = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "!")
            {
                if (invert)
                    throw new XtRuleException("multiple `!' flags not allowed");
                invert = true;
                continue;
            }
            string Value() => i + 1 < args.Count ? args[++i] : throw new XtRuleException($"option \"{arg}\" requires an argument");
            switch (arg)
            {
                case "-s" or "--source" or "--src": source = Selective(Address(Value(), invert, ipv6)); break;
                case "-d" or "--destination" or "--dst": destination = Selective(Address(Value(), invert, ipv6)); break;
                case "-i" or "--in-interface": input = Interface(Value(), invert); break;
                case "-o" or "--out-interface": output = Interface(Value(), invert); break;
                case "-p" or "--protocol":
                    string name = Value();
                    byte number = XtProtocols.Parse(name) ?? throw new XtRuleException($"unknown protocol \"{name}\" specified");
                    protocol = number == 0 && !invert ? null : new XtProtocol(number, invert);
                    break;
                case "-m" or "--match":
                    if (invert)
                        throw new XtRuleException("unexpected ! flag before --match");
                    matches.Add(current = Match(Value()));
                    break;
                case "-j" or "--jump" or "-g" or "--goto":
                    if (invert || target is not null)
                        throw new XtRuleException(invert ? "cannot have ! before -j" : "multiple -j flags not allowed");
                    target = Target(Value(), arg is "-g" or "--goto");
                    break;
                default:
                    if (!arg.StartsWith("--", StringComparison.Ordinal))
                        throw new XtRuleException($"unsupported iptables argument \"{arg}\"");
                    string value = Value();
                    if (current?.TryOption(arg, value, invert) == true || target?.TryOption(arg, value, invert) == true)
                        break;
                    if (Implicit(protocol) is { } implied && implied.TryOption(arg, value, invert))
                    {
                        matches.Add(current = implied);
                        break;
                    }
                    throw new XtRuleException($"unknown option \"{arg}\"");
            }
            invert = false;
        }
        if (invert)
            throw new XtRuleException("`!' at the end of the rule");
        foreach (XtMatch m in matches)
            m.Complete();
        target?.Complete();
        return new XtRule(ipv6, source, destination, input, output, protocol, matches, target);
    }

    private static XtMatch Match(string name) => name switch
    {
        "comment" => new CommentMatch(),
        "conntrack" => new ConntrackMatch(),
        "multiport" => new MultiportMatch(),
        "addrtype" => new AddrtypeMatch(),
        "mark" => new MarkMatch(),
        "tcp" or "udp" => new PortMatch(name),
        "sctp" => new SctpMatch(),
        _ => throw new XtRuleException($"match \"{name}\" is not supported here"),
    };

    private static XtMatch? Implicit(XtProtocol? protocol) => protocol switch
    {
        { Invert: false, Number: XtProtocols.Tcp } => new PortMatch("tcp"),
        { Invert: false, Number: XtProtocols.Udp } => new PortMatch("udp"),
        { Invert: false, Number: XtProtocols.Sctp } => new SctpMatch(),
        _ => null,
    };

    private static XtTarget Target(string name, bool isGoto) => name switch
    {
        _ when isGoto => new VerdictTarget(name, isGoto: true),
        "MASQUERADE" => new MasqueradeTarget(),
        "DNAT" => new DnatTarget(),
        "MARK" => new MarkTarget(),
        "ACCEPT" or "DROP" or "RETURN" => new VerdictTarget(name),
        _ when name.Length is > 0 and < 29 && !IsExtensionTarget(name) => new VerdictTarget(name),
        _ => throw new XtRuleException($"target \"{name}\" is not supported here"),
    };

    /// <summary>Targets iptables has as extensions (upper case), which a chain of that name would shadow.</summary>
    private static bool IsExtensionTarget(string name) =>
        name is "SNAT" or "REDIRECT" or "REJECT" or "LOG" or "CT" or "CONNMARK" or "TPROXY" or "NETMAP" or "NOTRACK" or "TCPMSS" or "NFLOG" or "NFQUEUE";

    /// <summary>A /0 selects every packet: iptables keeps no address for it (and writes no expression).</summary>
    private static XtAddress? Selective(XtAddress a) => a.PrefixLength > 0 ? a
        : a.Invert ? throw new XtRuleException("! with a /0 address matches nothing; not supported here") : null;

    private static XtInterface Interface(string name, bool invert) =>
        name.Length is > 0 and < 16 && !name.Contains('/') && !name.Contains(' ')
            ? new XtInterface(name, invert) : throw new XtRuleException($"bad interface name \"{name}\"");

    /// <summary>ADDRESS[/PREFIX], masked to the prefix as iptables stores it.</summary>
    public static XtAddress Address(string text, bool invert, bool ipv6)
    {
        int slash = text.IndexOf('/');
        string host = slash < 0 ? text : text[..slash];
        int max = ipv6 ? 128 : 32;
        if (!IPAddress.TryParse(host, out IPAddress? address)
            || address.AddressFamily != (ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork) || (ipv6 && address.ScopeId != 0))
            throw new XtRuleException($"host/network \"{host}\" is not a literal {(ipv6 ? "IPv6" : "IPv4")} address");
        int prefix = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max))
            throw new XtRuleException($"invalid mask \"{text[(slash + 1)..]}\" specified");
        byte[] bytes = address.GetAddressBytes();
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] &= (byte)(0xff << (8 - Math.Clamp(prefix - i * 8, 0, 8)));
        return new XtAddress(new IPAddress(bytes), prefix, invert);
    }
}
