namespace CniBox.Netlink.Netfilter;

/// <summary>
/// Removes the Go plugins' iptables ipMasq layout where iptables-nft keeps it, in the nf_tables tables
/// <c>ip nat</c> and <c>ip6 nat</c>: the POSTROUTING rules jumping to <c>CNI-&lt;hash&gt;</c>, then that chain.
/// This is the same change <c>iptables -D / -F / -X</c> makes, without running iptables: no xtables lock, no process.
/// </summary>
public static class IptablesNftMasquerade
{
    public const string Table = "nat";
    public const string Postrouting = "POSTROUTING";

    /// <summary>Returns how many families had the chain. A family without the table or chain costs one dump and sends nothing.</summary>
    public static int Teardown(NftHandle nft, string network, string containerId)
    {
        string chain = IptablesMasqueradeNames.ChainName(network, containerId);
        int removed = 0;
        foreach (NftFamily family in (ReadOnlySpan<NftFamily>)[NftFamily.Ip, NftFamily.Ip6])
        {
            if (!nft.ListChains(family, Table).Any(c => c.Name == chain))
                continue;
            var batch = new NftBatch();
            foreach (NftRuleInfo rule in nft.ListRules(family, Table, Postrouting))
                if (rule.JumpTargets.Contains(chain))
                    batch.DeleteRule(rule);
            batch.FlushChain(family, Table, chain).DeleteChain(family, Table, chain);
            nft.Commit(batch);
            removed++;
        }
        return removed;
    }
}
