using System.Net;
using System.Numerics;
using System.Text;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary>
/// Reads a listed rule back into the <see cref="XtRule"/> iptables-nft 1.8.9 would see in it, in the order it writes
/// expressions. Null ("foreign") for any program it would not have written: unknown expressions or xt extensions,
/// unexpected attributes or order, masks that are no prefix. Foreign rules equal nothing and are never deleted by match.
/// </summary>
public static class XtRuleDecoder
{
    private enum Phase { Start, In, Out, Protocol, Source, Destination, Matches, Counter, Target }

    public static XtRule? Decode(NftRuleInfo listed)
    {
        bool ipv6 = listed.Family == NftFamily.Ip6;
        if (!ipv6 && listed.Family != NftFamily.Ip)
            return null;
        var e = listed.Raw.Select(r => new XtRawExpr(r)).ToList();
        if (e.Any(x => x.Malformed))
            return null;
        XtInterface? input = null, output = null;
        XtProtocol? protocol = null;
        XtAddress? source = null, destination = null;
        var matches = new List<XtMatch>();
        XtTarget? target = null;
        Phase phase = Phase.Start;
        bool Advance(Phase next)
        {
            if (next < phase || (next == phase && next != Phase.Matches))
                return false;
            phase = next;
            return true;
        }
        for (int i = 0; i < e.Count; i++)
        {
            XtRawExpr x = e[i];
            XtRawExpr? next = i + 1 < e.Count ? e[i + 1] : null;
            switch (x.Name)
            {
                case "meta" when Meta(x) is { } key && Cmp(next) is { } cmp:
                    i++;
                    if (key == NFT_META_IIFNAME && Advance(Phase.In) && Name(cmp.Data) is { } iif) input = new XtInterface(iif, cmp.Neq);
                    else if (key == NFT_META_OIFNAME && Advance(Phase.Out) && Name(cmp.Data) is { } oif) output = new XtInterface(oif, cmp.Neq);
                    else if (key == NFT_META_L4PROTO && Advance(Phase.Protocol) && cmp.Data.Length == 1) protocol = new XtProtocol(cmp.Data[0], cmp.Neq);
                    else if (key == NFT_META_MARK && cmp.Data.Length == 4 && Advance(Phase.Matches))
                        matches.Add(new MarkMatch(BitConverter.ToUInt32(cmp.Data), uint.MaxValue, cmp.Neq));
                    else return null;
                    break;
                case "meta" when Meta(x) == NFT_META_MARK && Bitwise(next, 4) is { } mask && Cmp(i + 2 < e.Count ? e[i + 2] : null) is { Data.Length: 4 } masked:
                    i += 2;
                    if (!Advance(Phase.Matches))
                        return null;
                    matches.Add(new MarkMatch(BitConverter.ToUInt32(masked.Data), BitConverter.ToUInt32(mask), masked.Neq));
                    break;
                case "payload" when Payload(x) is (NFT_PAYLOAD_NETWORK_HEADER, var offset, var length):
                    bool isSource = offset == (ipv6 ? 8u : 12u);
                    if ((!isSource && offset != (ipv6 ? 24u : 16u)) || !Advance(isSource ? Phase.Source : Phase.Destination)
                        || Prefix(e, ref i, (int)length, ipv6) is not { } address)
                        return null;
                    if (isSource) source = address; else destination = address;
                    break;
                case "payload" when Payload(x) is (NFT_PAYLOAD_TRANSPORT_HEADER, var offset, var length) && Cmp(next) is { } ports:
                    i++;
                    if (!Advance(Phase.Matches) || Ports(matches, protocol, offset, length, ports) is false)
                        return null;
                    break;
                case "match" when Advance(Phase.Matches) && CompatMatch(x) is { } m:
                    matches.Add(m);
                    break;
                case "counter" when Advance(Phase.Counter):
                    break;
                case "immediate" when x.U32(NFTA_IMMEDIATE_DREG) == NFT_REG_VERDICT && x.Verdict() is { } v && Advance(Phase.Target):
                    target = VerdictTarget.FromVerdict(v.Code, v.Chain);
                    if (target is null) return null;
                    break;
                case "target" when Advance(Phase.Target) && CompatTarget(x, ipv6) is { } t:
                    target = t;
                    break;
                default:
                    return null;
            }
        }
        return new XtRule(ipv6, source, destination, input, output, protocol, matches, target);
    }

    private static uint? Meta(XtRawExpr x) =>
        x.HasOnly(NFTA_META_KEY, NFTA_META_DREG) && x.U32(NFTA_META_DREG) == NFT_REG_1 ? x.U32(NFTA_META_KEY) : null;

    private static (uint Base, uint Offset, uint Length)? Payload(XtRawExpr x) =>
        x.HasOnly(NFTA_PAYLOAD_DREG, NFTA_PAYLOAD_BASE, NFTA_PAYLOAD_OFFSET, NFTA_PAYLOAD_LEN) && x.U32(NFTA_PAYLOAD_DREG) == NFT_REG_1
        && x.U32(NFTA_PAYLOAD_BASE) is { } payloadBase && x.U32(NFTA_PAYLOAD_OFFSET) is { } offset && x.U32(NFTA_PAYLOAD_LEN) is { } length
            ? (payloadBase, offset, length) : null;

    private static (byte[] Data, bool Neq)? Cmp(XtRawExpr? x) =>
        x is { Name: "cmp" } && x.HasOnly(NFTA_CMP_SREG, NFTA_CMP_OP, NFTA_CMP_DATA) && x.U32(NFTA_CMP_SREG) == NFT_REG_1
        && x.U32(NFTA_CMP_OP) is NFT_CMP_EQ or NFT_CMP_NEQ && x.Value(NFTA_CMP_DATA) is { } data
            ? (data, x.U32(NFTA_CMP_OP) == NFT_CMP_NEQ) : null;

    /// <summary>A mask-only bitwise of <paramref name="length"/> bytes on register 1 (the kernel lists NFTA_BITWISE_OP 0).</summary>
    private static byte[]? Bitwise(XtRawExpr? x, int length)
    {
        if (x is not { Name: "bitwise" } || x.U32(NFTA_BITWISE_SREG) != NFT_REG_1 || x.U32(NFTA_BITWISE_DREG) != NFT_REG_1
            || x.U32(NFTA_BITWISE_LEN) != length || x.Types.Any(t => t is not (NFTA_BITWISE_SREG or NFTA_BITWISE_DREG or NFTA_BITWISE_LEN
                or NFTA_BITWISE_MASK or NFTA_BITWISE_XOR or NFTA_BITWISE_OP)) || x.U32(NFTA_BITWISE_OP) is not (null or NFT_BITWISE_BOOL))
            return null;
        return x.Value(NFTA_BITWISE_MASK) is { } mask && mask.Length == length && x.Value(NFTA_BITWISE_XOR) is { } xor
            && xor.Length == length && !xor.AsSpan().ContainsAnyExcept((byte)0) ? mask : null;
    }

    /// <summary>After a network-header payload at <paramref name="i"/>: [bitwise prefix mask] cmp; moves past them.</summary>
    private static XtAddress? Prefix(List<XtRawExpr> e, ref int i, int length, bool ipv6)
    {
        int full = ipv6 ? 16 : 4;
        int prefix = length * 8;
        XtRawExpr? next = i + 1 < e.Count ? e[i + 1] : null;
        if (next?.Name == "bitwise")
        {
            if (length != full || Bitwise(next, full) is not { } mask || PrefixLength(mask) is not { } bits)
                return null;
            prefix = bits;
            i++;
        }
        else if (length is 0 || length > full)
            return null;
        if (Cmp(i + 1 < e.Count ? e[i + 1] : null) is not { } cmp || cmp.Data.Length != length)
            return null;
        i++;
        byte[] address = new byte[full];
        cmp.Data.CopyTo(address, 0);
        XtAddress a = XtRuleParser.Address($"{new IPAddress(address)}/{prefix}", cmp.Neq, ipv6);
        return a.Address.GetAddressBytes().AsSpan(0, length).SequenceEqual(cmp.Data) ? a : null;
    }

    private static int? PrefixLength(byte[] mask)
    {
        int bits = mask.Sum(b => BitOperations.PopCount(b));
        for (int i = 0; i < mask.Length; i++)
            if (mask[i] != (byte)(0xff << (8 - Math.Clamp(bits - i * 8, 0, 8))))
                return null;
        return bits is 0 or 8 * 16 ? null : bits;
    }

    /// <summary>tcp/udp ports: sport (offset 0), dport (2), or both in one 4-byte compare; merged into one match.</summary>
    private static bool Ports(List<XtMatch> matches, XtProtocol? protocol, uint offset, uint length, (byte[] Data, bool Neq) cmp)
    {
        string? name = protocol switch { { Invert: false, Number: XtProtocols.Tcp } => "tcp", { Invert: false, Number: XtProtocols.Udp } => "udp", _ => null };
        if (name is null || cmp.Data.Length != length)
            return false;
        ushort Port(int at) => (ushort)(cmp.Data[at] << 8 | cmp.Data[at + 1]);
        if (offset == 0 && length == 4)
        {
            var both = new PortMatch(name);
            both.Set(source: true, Port(0), cmp.Neq);
            both.Set(source: false, Port(2), cmp.Neq);
            matches.Add(both);
            return true;
        }
        if (length != 2 || offset is not (0 or 2))
            return false;
        bool source = offset == 0;
        if (!source && matches.LastOrDefault() is PortMatch { DestinationPort: null, SourcePort: not null } previous && previous.Name == name)
        {
            previous.Set(source: false, Port(0), cmp.Neq);
            return true;
        }
        var match = new PortMatch(name);
        match.Set(source, Port(0), cmp.Neq);
        matches.Add(match);
        return true;
    }

    private static XtMatch? CompatMatch(XtRawExpr x)
    {
        if (!x.HasOnly(NFTA_MATCH_NAME, NFTA_MATCH_REV, NFTA_MATCH_INFO) || x.U32(NFTA_MATCH_REV) is not { } rev || x.Bytes(NFTA_MATCH_INFO) is not { } info)
            return null;
        return x.String(NFTA_MATCH_NAME) switch
        {
            "comment" => CommentMatch.FromInfo(rev, info),
            "conntrack" => ConntrackMatch.FromInfo(rev, info),
            "multiport" => MultiportMatch.FromInfo(rev, info),
            "addrtype" => AddrtypeMatch.FromInfo(rev, info),
            "sctp" => SctpMatch.FromInfo(rev, info),
            _ => null,
        };
    }

    private static XtTarget? CompatTarget(XtRawExpr x, bool ipv6)
    {
        if (!x.HasOnly(NFTA_TARGET_NAME, NFTA_TARGET_REV, NFTA_TARGET_INFO) || x.U32(NFTA_TARGET_REV) is not { } rev || x.Bytes(NFTA_TARGET_INFO) is not { } info)
            return null;
        return x.String(NFTA_TARGET_NAME) switch
        {
            "MASQUERADE" => MasqueradeTarget.FromInfo(rev, info, ipv6),
            "DNAT" => DnatTarget.FromInfo(rev, info, ipv6),
            "MARK" => MarkTarget.FromInfo(rev, info),
            _ => null,
        };
    }

    /// <summary>The interface name of an iifname/oifname compare: NUL-terminated, or a prefix (<c>name+</c>).</summary>
    private static string? Name(byte[] data)
    {
        if (data.Length is 0 or > 16)
            return null;
        return data[^1] == 0 ? (data.Length > 1 && Array.IndexOf(data, (byte)0) == data.Length - 1 ? Encoding.UTF8.GetString(data, 0, data.Length - 1) : null)
            : Array.IndexOf(data, (byte)0) < 0 ? Encoding.UTF8.GetString(data) + "+" : null;
    }
}
