using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Nft;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary>A built-in chain of an iptables table as iptables-nft creates it: its hook, priority and nf_tables type.</summary>
public sealed record XtBuiltinChain(string Table, string Name, uint Hook, int Priority, string Type);

/// <summary>
/// The tables and built-in chains iptables-nft 1.8.9 makes on first use (<c>ip</c>/<c>ip6</c> family), and the
/// messages it sends for them: NEWTABLE without flags, NEWCHAIN of a built-in chain with hook, policy accept and type
/// (NLM_F_CREATE), NEWCHAIN of a user chain with NLM_F_EXCL.
/// </summary>
public static class XtTables
{
    public static readonly IReadOnlyList<XtBuiltinChain> Builtin =
    [
        new("filter", "INPUT", NF_INET_LOCAL_IN, 0, "filter"),
        new("filter", "FORWARD", NF_INET_FORWARD, 0, "filter"),
        new("filter", "OUTPUT", NF_INET_LOCAL_OUT, 0, "filter"),
        new("nat", "PREROUTING", NF_INET_PRE_ROUTING, -100, "nat"),
        new("nat", "INPUT", NF_INET_LOCAL_IN, 100, "nat"),
        new("nat", "OUTPUT", NF_INET_LOCAL_OUT, -100, "nat"),
        new("nat", "POSTROUTING", NF_INET_POST_ROUTING, 100, "nat"),
        new("mangle", "PREROUTING", NF_INET_PRE_ROUTING, -150, "filter"),
        new("mangle", "INPUT", NF_INET_LOCAL_IN, -150, "filter"),
        new("mangle", "FORWARD", NF_INET_FORWARD, -150, "filter"),
        new("mangle", "OUTPUT", NF_INET_LOCAL_OUT, -150, "route"),
        new("mangle", "POSTROUTING", NF_INET_POST_ROUTING, -150, "filter"),
        new("raw", "PREROUTING", NF_INET_PRE_ROUTING, -300, "filter"),
        new("raw", "OUTPUT", NF_INET_LOCAL_OUT, -300, "filter"),
    ];

    public static bool IsKnownTable(string table) => Builtin.Any(b => b.Table == table);

    public static XtBuiltinChain? FindBuiltin(string table, string chain) => Builtin.FirstOrDefault(b => b.Table == table && b.Name == chain);

    /// <summary>The built-in chains of <paramref name="table"/> in the order <c>iptables -S</c> lists their policies.</summary>
    public static IEnumerable<XtBuiltinChain> BuiltinsOf(string table) => Builtin.Where(b => b.Table == table);

    public static void NewTable(ref NetlinkWriter w, NftFamily family, string table)
    {
        Begin(ref w, NFT_MSG_NEWTABLE, NLM_F_REQUEST | NLM_F_CREATE, family);
        w.PutStringZ(NFTA_TABLE_NAME, table);
        w.EndMessage();
    }

    public static void NewUserChain(ref NetlinkWriter w, NftFamily family, string table, string chain)
    {
        Begin(ref w, NFT_MSG_NEWCHAIN, NLM_F_REQUEST | NLM_F_EXCL, family);
        w.PutStringZ(NFTA_CHAIN_TABLE, table);
        w.PutStringZ(NFTA_CHAIN_NAME, chain);
        w.EndMessage();
    }

    public static void NewBuiltinChain(ref NetlinkWriter w, NftFamily family, XtBuiltinChain chain)
    {
        Begin(ref w, NFT_MSG_NEWCHAIN, NLM_F_REQUEST | NLM_F_CREATE, family);
        w.PutStringZ(NFTA_CHAIN_TABLE, chain.Table);
        w.PutStringZ(NFTA_CHAIN_NAME, chain.Name);
        NestToken hook = w.BeginNest(NFTA_CHAIN_HOOK, setNestedFlag: true);
        w.PutU32BigEndian(NFTA_HOOK_HOOKNUM, chain.Hook);
        w.PutU32BigEndian(NFTA_HOOK_PRIORITY, unchecked((uint)chain.Priority));
        w.EndNest(hook);
        w.PutU32BigEndian(NFTA_CHAIN_POLICY, NF_ACCEPT);
        w.PutStringZ(NFTA_CHAIN_TYPE, chain.Type);
        w.EndMessage();
    }

    private static void Begin(ref NetlinkWriter w, ushort message, int flags, NftFamily family)
    {
        w.BeginMessage(NftMessages.Type(message), (ushort)flags, 0);
        w.WriteStruct(new NfGenMsg { nfgen_family = (byte)family });
    }
}
