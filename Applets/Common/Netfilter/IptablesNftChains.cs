using CniBox.Netlink.Netfilter;

namespace CniBox.Applets.Common.Netfilter;

/// <summary>
/// Removes chains the Go plugins made with iptables where iptables-nft keeps them, in the nf_tables tables
/// <c>ip nat</c> and <c>ip6 nat</c>: the rules of an entry chain that jump to each chain, then the chain. This is the
/// change <c>iptables -D / -F / -X</c> makes, without running iptables: no xtables lock, no process.
/// </summary>
public static class IptablesNftChains
{
    public const string Table = "nat";

    /// <summary>
    /// One chain dump covers both families (when no family has any of the chains, that is all it costs), then one batch
    /// per family that has one. Returns how many families had one.
    /// </summary>
    public static int Remove(NftHandle nft, IReadOnlyList<(string Chain, string From)> chains)
    {
        var present = new List<NftChainInfo>();
        foreach (var c in nft.ListChains(null, Table))
            if (c.Family is NftFamily.Ip or NftFamily.Ip6) present.Add(c);
        // The families in the order their first chain to remove was listed.
        var wanted = Names(chains);
        var families = new List<NftFamily>();
        foreach (var c in present)
            if (!families.Contains(c.Family) && wanted.Contains(c.Name)) families.Add(c.Family);
        foreach (var family in families)
        {
            var names = new HashSet<string>();
            foreach (var c in present)
                if (c.Family == family) names.Add(c.Name);
            var batch = new NftBatch();
            foreach (var (chain, from) in chains)
            {
                if (!names.Contains(chain)) continue;
                if (names.Contains(from))
                    foreach (NftRuleInfo rule in nft.ListRules(family, Table, from))
                        if (rule.JumpTargets.Contains(chain))
                            batch.DeleteRule(rule);
                batch.FlushChain(family, Table, chain).DeleteChain(family, Table, chain);
            }
            nft.Commit(batch);
        }
        return families.Count;
    }

    private static HashSet<string> Names(IReadOnlyList<(string Chain, string From)> chains)
    {
        var names = new HashSet<string>();
        foreach (var (chain, _) in chains) names.Add(chain);
        return names;
    }
}
