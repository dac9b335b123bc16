using CniBox.Netlink.Netfilter;

namespace CniBox.Applets.Common.Netfilter;

/// <summary>
/// Removes the Go plugins' iptables ipMasq layout where iptables-nft keeps it, in the nf_tables tables
/// <c>ip nat</c> and <c>ip6 nat</c>: the POSTROUTING rules jumping to <c>CNI-&lt;hash&gt;</c>, then that chain.
/// This is the same change <c>iptables -D / -F / -X</c> makes, without running iptables: no xtables lock, no process.
/// </summary>
public static class IptablesNftMasquerade
{
    public const string Table = "nat";
    public const string Postrouting = "POSTROUTING";

    /// <summary>
    /// Returns how many families had the chain. One chain dump covers both families; when neither has the chain,
    /// that is all it costs.
    /// </summary>
    public static int Teardown(NftHandle nft, string network, string containerId)
    {
        string chain = IptablesMasqueradeNames.ChainName(network, containerId);
        var families = nft.ListChains(null, Table)
            .Where(c => c.Name == chain && c.Family is NftFamily.Ip or NftFamily.Ip6).Select(c => c.Family).Distinct().ToList();
        foreach (NftFamily family in families)
        {
            var batch = new NftBatch();
            foreach (NftRuleInfo rule in nft.ListRules(family, Table, Postrouting))
                if (rule.JumpTargets.Contains(chain))
                    batch.DeleteRule(rule);
            batch.FlushChain(family, Table, chain).DeleteChain(family, Table, chain);
            nft.Commit(batch);
        }
        return families.Count;
    }
}
