using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Netlink.Netfilter;

/// <summary>Parses the NEWTABLE / NEWCHAIN / NEWRULE messages of nf_tables dumps; null for any other message.</summary>
public static class NftParse
{
    public static NftTableInfo? Table(in NetlinkMessage m)
    {
        if (m.Type != NftMessages.Type(NFT_MSG_NEWTABLE))
            return null;
        string? name = null, comment = null;
        ulong handle = 0;
        uint flags = 0;
        foreach (NetlinkAttribute a in m.Attributes(Unsafe.SizeOf<NfGenMsg>()))
        {
            switch (a.Type)
            {
                case NFTA_TABLE_NAME: name = a.GetString(); break;
                case NFTA_TABLE_HANDLE: handle = U64(a); break;
                case NFTA_TABLE_FLAGS: flags = a.GetU32BigEndian(); break;
                case NFTA_TABLE_USERDATA: comment = NftUserData.ReadComment(a.Payload); break;
            }
        }
        return name is null ? null : new NftTableInfo(Family(m), name, handle, flags, comment);
    }

    public static NftChainInfo? Chain(in NetlinkMessage m)
    {
        if (m.Type != NftMessages.Type(NFT_MSG_NEWCHAIN))
            return null;
        string? table = null, name = null, type = null, comment = null;
        ulong handle = 0;
        uint? hook = null;
        int priority = 0;
        int? policy = null;
        uint use = 0;
        foreach (NetlinkAttribute a in m.Attributes(Unsafe.SizeOf<NfGenMsg>()))
        {
            switch (a.Type)
            {
                case NFTA_CHAIN_USE: use = a.GetU32BigEndian(); break;
                case NFTA_CHAIN_TABLE: table = a.GetString(); break;
                case NFTA_CHAIN_NAME: name = a.GetString(); break;
                case NFTA_CHAIN_HANDLE: handle = U64(a); break;
                case NFTA_CHAIN_TYPE: type = a.GetString(); break;
                case NFTA_CHAIN_POLICY: policy = (int)a.GetU32BigEndian(); break;
                case NFTA_CHAIN_USERDATA: comment = NftUserData.ReadComment(a.Payload); break;
                case NFTA_CHAIN_HOOK:
                    foreach (NetlinkAttribute h in a.GetNested())
                    {
                        if (h.Type == NFTA_HOOK_HOOKNUM) hook = h.GetU32BigEndian();
                        else if (h.Type == NFTA_HOOK_PRIORITY) priority = (int)h.GetU32BigEndian();
                    }
                    break;
            }
        }
        if (table is null || name is null)
            return null;
        NftBaseChain? b = hook is null ? null : new NftBaseChain(type ?? "filter", hook.Value, priority, policy);
        return new NftChainInfo(Family(m), table, name, handle, b, comment) { Use = use };
    }

    public static NftRuleInfo? Rule(in NetlinkMessage m)
    {
        if (m.Type != NftMessages.Type(NFT_MSG_NEWRULE))
            return null;
        string? table = null, chain = null, comment = null;
        ulong handle = 0;
        var expressions = new List<string>();
        List<string>? targets = null;
        List<byte[]>? constants = null;
        byte[] program = [];
        foreach (NetlinkAttribute a in m.Attributes(Unsafe.SizeOf<NfGenMsg>()))
        {
            switch (a.Type)
            {
                case NFTA_RULE_TABLE: table = a.GetString(); break;
                case NFTA_RULE_CHAIN: chain = a.GetString(); break;
                case NFTA_RULE_HANDLE: handle = U64(a); break;
                case NFTA_RULE_USERDATA: comment = NftUserData.ReadComment(a.Payload); break;
                case NFTA_RULE_EXPRESSIONS:
                    program = a.Payload.ToArray();
                    foreach (NetlinkAttribute element in a.GetNested())
                    {
                        string? name = null;
                        foreach (NetlinkAttribute e in element.GetNested())
                        {
                            if (e.Type == NFTA_EXPR_NAME)
                            {
                                expressions.Add(name = e.GetString());
                                continue;
                            }
                            if (e.Type != NFTA_EXPR_DATA || name is null)
                                continue;
                            if (name == "immediate" && VerdictChain(e) is { } target)
                                (targets ??= []).Add(target);
                            else if (name == "cmp" && CmpData(e) is { } data)
                                (constants ??= []).Add(data);
                        }
                    }
                    break;
            }
        }
        return table is null || chain is null ? null : new NftRuleInfo(Family(m), table, chain, handle, comment, expressions)
        {
            JumpTargets = targets ?? [],
            Compared = constants ?? [],
            Program = program,
        };
    }

    /// <summary>The expressions of a listed NFTA_RULE_EXPRESSIONS payload: name and data attributes (empty when none).</summary>
    public static IReadOnlyList<NftRawExpr> RawExpressions(byte[] program)
    {
        var raw = new List<NftRawExpr>();
        foreach (NetlinkAttribute element in new AttributeReader(program))
        {
            string? name = null;
            byte[] data = [];
            foreach (NetlinkAttribute e in element.GetNested())
            {
                if (e.Type == NFTA_EXPR_NAME) name = e.GetString();
                else if (e.Type == NFTA_EXPR_DATA && name is not null) data = e.Payload.ToArray();
            }
            if (name is not null) raw.Add(new NftRawExpr(name, data));
        }
        return raw;
    }

    /// <summary>The chain a jump/goto immediate names (NFTA_IMMEDIATE_DATA / NFTA_DATA_VERDICT / NFTA_VERDICT_CHAIN).</summary>
    private static string? VerdictChain(NetlinkAttribute exprData)
    {
        foreach (NetlinkAttribute a in exprData.GetNested())
        {
            if (a.Type != NFTA_IMMEDIATE_DATA) continue;
            foreach (NetlinkAttribute d in a.GetNested())
            {
                if (d.Type != NFTA_DATA_VERDICT) continue;
                foreach (NetlinkAttribute v in d.GetNested())
                    if (v.Type == NFTA_VERDICT_CHAIN)
                        return v.GetString();
            }
        }
        return null;
    }

    /// <summary>The constant a cmp compares with (NFTA_CMP_DATA / NFTA_DATA_VALUE).</summary>
    private static byte[]? CmpData(NetlinkAttribute exprData)
    {
        foreach (NetlinkAttribute a in exprData.GetNested())
        {
            if (a.Type != NFTA_CMP_DATA) continue;
            foreach (NetlinkAttribute d in a.GetNested())
                if (d.Type == NFTA_DATA_VALUE)
                    return d.Payload.ToArray();
        }
        return null;
    }

    private static NftFamily Family(in NetlinkMessage m) => (NftFamily)m.ReadStruct<NfGenMsg>().nfgen_family;

    private static ulong U64(NetlinkAttribute a) =>
        a.Payload.Length >= 8
            ? BinaryPrimitives.ReadUInt64BigEndian(a.Payload)
            : throw new InvalidDataException($"nf_tables handle attribute of {a.Payload.Length} bytes");
}
