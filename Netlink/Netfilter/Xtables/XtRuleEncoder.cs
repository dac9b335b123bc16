using System.Text;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary>
/// The nf_tables program iptables-nft 1.8.9 writes for a rule (nft_ipv4_add / nft_ipv6_add): interfaces, protocol,
/// source, destination, the matches in order, a zeroed counter, the target; and the rule's NFTA_RULE_COMPAT.
/// </summary>
public static class XtRuleEncoder
{
    /// <summary>NFT_RULE_COMPAT_F_INV: the compat protocol is negated (<c>! -p</c>).</summary>
    public const uint CompatInvert = 1 << 1;

    public static NftRule Rule(XtRule rule, string table, string chain) =>
        new(rule.Ipv6 ? NftFamily.Ip6 : NftFamily.Ip, table, chain, Program(rule))
        {
            Compat = (rule.Protocol?.Number ?? 0, rule.Protocol is { Invert: true } ? CompatInvert : 0),
        };

    public static List<NftExpr> Program(XtRule rule)
    {
        var program = new List<NftExpr>();
        if (rule.In is { } input)
            program.AddRange(Interface(NFT_META_IIFNAME, input));
        if (rule.Out is { } output)
            program.AddRange(Interface(NFT_META_OIFNAME, output));
        if (rule.Protocol is { } p)
            program.AddRange([new MetaExpr(NFT_META_L4PROTO), new CmpExpr(p.Invert ? NFT_CMP_NEQ : NFT_CMP_EQ, [p.Number])]);
        if (rule.Source is { } source)
            program.AddRange(Address(rule.Ipv6 ? 8u : 12u, source));
        if (rule.Destination is { } destination)
            program.AddRange(Address(rule.Ipv6 ? 24u : 16u, destination));
        foreach (XtMatch m in rule.Matches)
            m.Encode(program, rule);
        program.Add(new CounterExpr(ExplicitZeros: true));
        if (rule.Target is { } target)
            program.Add(target.Encode(rule.Ipv6));
        return program;
    }

    /// <summary>The name's bytes and its NUL; a trailing <c>+</c> compares only the bytes before it.</summary>
    private static NftExpr[] Interface(uint key, XtInterface i)
    {
        byte[] name = i.Name.EndsWith('+') ? Encoding.UTF8.GetBytes(i.Name[..^1]) : Encoding.UTF8.GetBytes(i.Name + "\0");
        return [new MetaExpr(key), new CmpExpr(i.Invert ? NFT_CMP_NEQ : NFT_CMP_EQ, name)];
    }

    private static NftExpr[] Address(uint offset, XtAddress a) =>
        NftMatch.Prefix(NFT_PAYLOAD_NETWORK_HEADER, offset,
            new System.Net.IPNetwork(a.Address, a.PrefixLength), equal: !a.Invert);
}
