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
        var present = nft.ListChains(null, Table).Where(c => c.Family is NftFamily.Ip or NftFamily.Ip6).ToList();
        var families = present.Where(c => chains.Any(x => x.Chain == c.Name)).Select(c => c.Family).Distinct().ToList();
        foreach (NftFamily family in families)
        {
            var names = present.Where(c => c.Family == family).Select(c => c.Name).ToHashSet();
            var batch = new NftBatch();
            foreach (var (chain, from) in chains.Where(x => names.Contains(x.Chain)))
            {
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
}
