using System.Buffers.Binary;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Nft;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Netfilter;

/// <summary>
/// nf_tables requests, byte for byte what nft 1.0.6 sends (captured with strace; see the golden tests), except
/// that <see cref="NftBatch"/> adds NLM_F_ACK to each message so every failure maps back to its message.
/// Flags as nft uses them: tables none (add = create or keep), chains NLM_F_CREATE, rules NLM_F_CREATE|NLM_F_APPEND.
/// </summary>
public static class NftMessages
{
    public static ushort Type(ushort message) => (ushort)((NFNL_SUBSYS_NFTABLES << 8) | message);

    /// <summary>NFNL_MSG_BATCH_BEGIN / _END: family unspec, res_id NFNL_SUBSYS_NFTABLES.</summary>
    public static void BatchMarker(ref NetlinkWriter w, ushort type, uint seq)
    {
        w.BeginMessage(type, NLM_F_REQUEST, seq);
        w.WriteStruct(new NfGenMsg { res_id = BinaryPrimitives.ReverseEndianness(NFNL_SUBSYS_NFTABLES) });
        w.EndMessage();
    }

    /// <summary><c>nft add table FAMILY NAME [{ comment "C" ; }]</c>.</summary>
    public static void NewTable(ref NetlinkWriter w, uint seq, NftFamily family, string name, string? comment = null)
    {
        Begin(ref w, NFT_MSG_NEWTABLE, NLM_F_REQUEST, seq, family);
        w.PutStringZ(NFTA_TABLE_NAME, name);
        w.PutU32BigEndian(NFTA_TABLE_FLAGS, 0);
        if (comment is not null)
            w.PutBytes(NFTA_TABLE_USERDATA, NftUserData.Comment(comment));
        w.EndMessage();
    }

    /// <summary><c>nft delete table FAMILY NAME</c>.</summary>
    public static void DelTable(ref NetlinkWriter w, uint seq, NftFamily family, string name)
    {
        Begin(ref w, NFT_MSG_DELTABLE, NLM_F_REQUEST, seq, family);
        w.PutStringZ(NFTA_TABLE_NAME, name);
        w.EndMessage();
    }

    /// <summary>Dumps the tables of <paramref name="family"/> (null: all families).</summary>
    public static void GetTables(ref NetlinkWriter w, uint seq, NftFamily? family)
    {
        w.BeginMessage(Type(NFT_MSG_GETTABLE), NLM_F_REQUEST | NLM_F_DUMP, seq);
        w.WriteStruct(new NfGenMsg { nfgen_family = (byte)(family ?? 0) });
        w.EndMessage();
    }

    /// <summary><c>nft add chain FAMILY TABLE NAME [{ type T hook H priority P ; [policy X ;] [comment "C" ;] }]</c>.</summary>
    public static void NewChain(ref NetlinkWriter w, uint seq, NftChain chain)
    {
        Begin(ref w, NFT_MSG_NEWCHAIN, NLM_F_REQUEST | NLM_F_CREATE, seq, chain.Family);
        w.PutStringZ(NFTA_CHAIN_TABLE, chain.Table);
        w.PutStringZ(NFTA_CHAIN_NAME, chain.Name);
        if (chain.Base is { } b)
        {
            w.PutStringZ(NFTA_CHAIN_TYPE, b.Type);
            if (b.Policy is { } policy)
                w.PutU32BigEndian(NFTA_CHAIN_POLICY, unchecked((uint)policy));
            NestToken hook = w.BeginNest(NFTA_CHAIN_HOOK, setNestedFlag: true);
            w.PutU32BigEndian(NFTA_HOOK_HOOKNUM, b.Hook);
            w.PutU32BigEndian(NFTA_HOOK_PRIORITY, unchecked((uint)b.Priority));
            w.EndNest(hook);
        }
        if (chain.Comment is not null)
            w.PutBytes(NFTA_CHAIN_USERDATA, NftUserData.Comment(chain.Comment));
        w.EndMessage();
    }

    /// <summary><c>nft delete chain FAMILY TABLE NAME</c>: its rules go with it; fails with EBUSY while a jump targets it.</summary>
    public static void DelChain(ref NetlinkWriter w, uint seq, NftFamily family, string table, string name)
    {
        Begin(ref w, NFT_MSG_DELCHAIN, NLM_F_REQUEST, seq, family);
        w.PutStringZ(NFTA_CHAIN_TABLE, table);
        w.PutStringZ(NFTA_CHAIN_NAME, name);
        w.EndMessage();
    }

    /// <summary>Dumps the chains of <paramref name="family"/> (the kernel does not filter by table; callers do).</summary>
    public static void GetChains(ref NetlinkWriter w, uint seq, NftFamily? family)
    {
        w.BeginMessage(Type(NFT_MSG_GETCHAIN), NLM_F_REQUEST | NLM_F_DUMP, seq);
        w.WriteStruct(new NfGenMsg { nfgen_family = (byte)(family ?? 0) });
        w.EndMessage();
    }

    /// <summary><c>nft add rule FAMILY TABLE CHAIN EXPR... [comment "C"]</c> (appended), or <c>nft insert rule</c>.</summary>
    public static void NewRule(ref NetlinkWriter w, uint seq, NftRule rule)
    {
        Begin(ref w, NFT_MSG_NEWRULE, (ushort)(NLM_F_REQUEST | NLM_F_CREATE | (rule.Append ? NLM_F_APPEND : 0)), seq, rule.Family);
        w.PutStringZ(NFTA_RULE_TABLE, rule.Table);
        w.PutStringZ(NFTA_RULE_CHAIN, rule.Chain);
        if (rule.Position is { } position)
            w.PutU64BigEndian(NFTA_RULE_POSITION, position);
        NestToken list = w.BeginNest(NFTA_RULE_EXPRESSIONS, setNestedFlag: true);
        foreach (NftExpr e in rule.Expressions)
            e.Write(ref w);
        w.EndNest(list);
        if (rule.Compat is { } compat)
        {
            NestToken nest = w.BeginNest(NFTA_RULE_COMPAT, setNestedFlag: true);
            w.PutU32BigEndian(NFTA_RULE_COMPAT_PROTO, compat.Protocol);
            w.PutU32BigEndian(NFTA_RULE_COMPAT_FLAGS, compat.Flags);
            w.EndNest(nest);
        }
        if (rule.Comment is not null)
            w.PutBytes(NFTA_RULE_USERDATA, NftUserData.Comment(rule.Comment));
        w.EndMessage();
    }

    /// <summary><c>nft delete rule FAMILY TABLE CHAIN handle H</c>.</summary>
    public static void DelRule(ref NetlinkWriter w, uint seq, NftFamily family, string table, string chain, ulong handle)
    {
        Begin(ref w, NFT_MSG_DELRULE, NLM_F_REQUEST, seq, family);
        w.PutStringZ(NFTA_RULE_TABLE, table);
        w.PutStringZ(NFTA_RULE_CHAIN, chain);
        w.PutU64BigEndian(NFTA_RULE_HANDLE, handle);
        w.EndMessage();
    }

    /// <summary><c>nft flush chain FAMILY TABLE CHAIN</c>: a DELRULE naming the chain and no handle.</summary>
    public static void FlushChain(ref NetlinkWriter w, uint seq, NftFamily family, string table, string chain)
    {
        Begin(ref w, NFT_MSG_DELRULE, NLM_F_REQUEST, seq, family);
        w.PutStringZ(NFTA_RULE_TABLE, table);
        w.PutStringZ(NFTA_RULE_CHAIN, chain);
        w.EndMessage();
    }

    /// <summary>Dumps the rules of one chain, as <c>nft list chain FAMILY TABLE CHAIN</c> does (the kernel filters).</summary>
    public static void GetRules(ref NetlinkWriter w, uint seq, NftFamily family, string table, string chain)
    {
        w.BeginMessage(Type(NFT_MSG_GETRULE), NLM_F_REQUEST | NLM_F_DUMP, seq);
        w.WriteStruct(new NfGenMsg { nfgen_family = (byte)family });
        w.PutStringZ(NFTA_RULE_TABLE, table);
        w.PutStringZ(NFTA_RULE_CHAIN, chain);
        w.EndMessage();
    }

    /// <summary>Asks for one rule by its handle (no dump): the kernel answers with that rule alone, or ENOENT.</summary>
    public static void GetRule(ref NetlinkWriter w, uint seq, NftFamily family, string table, string chain, ulong handle)
    {
        w.BeginMessage(Type(NFT_MSG_GETRULE), NLM_F_REQUEST, seq);
        w.WriteStruct(new NfGenMsg { nfgen_family = (byte)family });
        w.PutStringZ(NFTA_RULE_TABLE, table);
        w.PutStringZ(NFTA_RULE_CHAIN, chain);
        w.PutU64BigEndian(NFTA_RULE_HANDLE, handle);
        w.EndMessage();
    }

    private static void Begin(ref NetlinkWriter w, ushort message, ushort flags, uint seq, NftFamily family)
    {
        w.BeginMessage(Type(message), flags, seq);
        w.WriteStruct(new NfGenMsg { nfgen_family = (byte)family });
    }
}
