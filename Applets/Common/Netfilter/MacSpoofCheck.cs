using System.Net.NetworkInformation;
using CniBox.Netlink.Netfilter;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Applets.Common.Netfilter;

/// <summary>
/// The bridge plugin's macspoofchk with the Go layout (pkg/link/spoofcheck.go): table <c>bridge nat</c>, base chain
/// <c>PREROUTING</c> (filter, hook prerouting, priority -300, policy accept) holding
/// <c>iifname HOSTVETH jump cni-br-iface-CID-IF</c>; that chain jumps to <c>cni-br-iface-CID-IF-mac</c>, which returns
/// for <c>ether saddr MAC</c> and drops the rest. Every rule is commented <c>macspoofchk-CID-IF</c>.
/// Go uses two transactions (declare, then rules); we use one batch, and also drop a stale jump of the same id
/// so a repeated setup does not stack jumps.
/// </summary>
public static class MacSpoofCheck
{
    public const string Table = "nat";
    public const string BaseChain = "PREROUTING";
    public const int Priority = -300;

    /// <summary>Go's refID: <c>containerId-ifName</c> (bridge.go uniqueID).</summary>
    public static string RefId(string containerId, string ifName) => containerId + "-" + ifName;

    public static string IfaceChain(string containerId, string ifName) => "cni-br-iface-" + RefId(containerId, ifName);

    public static string MacChain(string containerId, string ifName) => IfaceChain(containerId, ifName) + "-mac";

    public static string Comment(string containerId, string ifName) => "macspoofchk-" + RefId(containerId, ifName);

    /// <summary>Only frames with source <paramref name="mac"/> may enter the bridge from <paramref name="hostVeth"/>.</summary>
    public static void Setup(NftHandle nft, string hostVeth, PhysicalAddress mac, string containerId, string ifName)
    {
        string iface = IfaceChain(containerId, ifName), macChain = MacChain(containerId, ifName), comment = Comment(containerId, ifName);
        IReadOnlyList<NftRuleInfo> staleJumps = Jumps(nft, comment);
        var batch = new NftBatch()
            .AddTable(NftFamily.Bridge, Table)
            .AddChain(new NftChain(NftFamily.Bridge, Table, BaseChain, new NftBaseChain("filter", NF_INET_PRE_ROUTING, Priority, NF_ACCEPT)))
            .AddChain(new NftChain(NftFamily.Bridge, Table, iface))
            .AddChain(new NftChain(NftFamily.Bridge, Table, macChain))
            .FlushChain(NftFamily.Bridge, Table, iface)
            .FlushChain(NftFamily.Bridge, Table, macChain);
        foreach (NftRuleInfo stale in staleJumps)
            batch.DeleteRule(stale);
        batch
            .AddRule(new NftRule(NftFamily.Bridge, Table, BaseChain, [.. NftMatch.IifName(hostVeth), VerdictExpr.Jump(iface)], comment))
            .AddRule(new NftRule(NftFamily.Bridge, Table, iface, [VerdictExpr.Jump(macChain)], comment))
            .AddRule(new NftRule(NftFamily.Bridge, Table, macChain, [.. NftMatch.EtherSource(mac), VerdictExpr.Return], comment))
            .AddRule(new NftRule(NftFamily.Bridge, Table, macChain, [VerdictExpr.Drop], comment));
        nft.Commit(batch);
    }

    /// <summary>
    /// Removes the PREROUTING jumps commented for this attachment and both per-attachment chains, in one batch.
    /// Whatever is already gone is skipped; the table and PREROUTING stay, as in Go.
    /// </summary>
    public static void Teardown(NftHandle nft, string containerId, string ifName)
    {
        string iface = IfaceChain(containerId, ifName), macChain = MacChain(containerId, ifName);
        var batch = new NftBatch();
        foreach (NftRuleInfo jump in Jumps(nft, Comment(containerId, ifName)))
            batch.DeleteRule(jump);
        IReadOnlyList<NftChainInfo> chains = nft.ListChains(NftFamily.Bridge, Table);
        if (chains.Any(c => c.Name == iface))
            batch.DeleteChain(NftFamily.Bridge, Table, iface);
        if (chains.Any(c => c.Name == macChain))
            batch.DeleteChain(NftFamily.Bridge, Table, macChain);
        nft.Commit(batch);
    }

    private static IReadOnlyList<NftRuleInfo> Jumps(NftHandle nft, string comment) =>
        nft.ListRules(NftFamily.Bridge, Table, BaseChain).Where(r => r.Comment == comment).ToList();
}
