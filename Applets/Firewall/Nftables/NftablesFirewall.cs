using CniBox.Applets.Common;
using CniBox.Netlink.Netfilter;
using CniBox.Spec;
using static CniBox.Applets.Firewall.Nftables.NftFirewallLayout;

namespace CniBox.Applets.Firewall.Nftables;

/// <summary>What DEL removes of a bridge's isolation: the isolated drop only, or every rule of the bridge.</summary>
public readonly record struct IsolationCleanup(string Bridge, bool IsolatedOnly);

/// <summary>
/// <c>"backend": "nftables"</c> (ours): <see cref="NftFirewallLayout"/> over netlink, one batch per operation. ADD
/// (re)writes the structure, replaces the attachment's accepts (so ADD twice changes nothing) and adds the bridge's
/// isolation rules that are missing; DEL removes the rules commented with the attachment, found without a prevResult,
/// and the isolation <paramref name="cleanup"/> names. An nftables accept ends only this table's chain: another
/// table's drop on the same hook (iptables-nft's FORWARD policy DROP included) still drops; a drop here is final.
/// <paramref name="firstAdd"/> (no record of the attachment): ADD does not list the accepts to replace, so its cost
/// does not grow with the number of containers. ADD keeps the kernel handles of the accepts (<see cref="Handles"/>, for
/// the record); DEL given them (<paramref name="recorded"/>) reads each back by one GETRULE instead of listing the
/// accepts of every container, and lists only when one is gone or is not the attachment's.
/// </summary>
public sealed class NftablesFirewall(NftHandle nft, IngressPolicy policy, IsolationCleanup? cleanup = null, bool firstAdd = false,
    IReadOnlyList<FirewallRuleHandle>? recorded = null) : IFirewallBackend
{
    public string Name => FirewallConfig.Nftables;

    /// <summary>After <see cref="Add"/>: the handles of the attachment's accepts in <c>containers</c>.</summary>
    public List<FirewallRuleHandle> Handles { get; } = [];

    public void Add(FirewallAttachment attachment) => Run("failed to set up the firewall's nftables rules", () =>
    {
        var tag = Tag(attachment.ContainerId, attachment.IfName);
        var chains = nft.ListChains(Family, Table).Select(c => c.Name).ToHashSet();
        var jumps = chains.Contains(Forward) ? nft.ListRules(Family, Table, Forward).SelectMany(r => r.JumpTargets).ToList() : null;
        var batch = Structure(new NftBatch(), chains, jumps);
        if (!firstAdd)
            foreach (var rule in nft.ListRules(Family, Table, Containers))
                if (rule.Comment == tag) batch.DeleteRule(rule);
        foreach (var address in attachment.Addresses)
            foreach (var rule in AddressRules(address.Address, tag))
                batch.AddRule(rule);
        if (attachment.HostInterface is { } bridge)
        {
            var present = Comments(Stage1).Concat(Comments(Stage2).Select(c => "2 " + c)).ToHashSet();
            foreach (var rule in IsolationRules(bridge, policy))
                if (!present.Contains(rule.Chain == Stage2 ? "2 " + rule.Comment : rule.Comment!))
                    batch.AddRule(rule);
        }
        foreach (var rule in nft.CommitEchoingNewRules(batch))
            if (rule.Chain == Containers && rule.Comment == tag)
                Handles.Add(new FirewallRuleHandle(false, rule.Handle, Containers));
    });

    public void Del(FirewallAttachment attachment) => Run("failed to remove the firewall's nftables rules", () =>
    {
        var tag = Tag(attachment.ContainerId, attachment.IfName);
        var batch = new NftBatch();
        if (!DeleteRecorded(batch, tag))
            foreach (var rule in nft.ListRules(Family, Table, Containers))
                if (rule.Comment == tag) batch.DeleteRule(rule);
        if (cleanup is { } c)
        {
            foreach (var rule in nft.ListRules(Family, Table, Stage1))
                if (rule.Comment == IsolatedTag(c.Bridge) || (!c.IsolatedOnly && rule.Comment == BridgeTag(c.Bridge)))
                    batch.DeleteRule(rule);
            if (!c.IsolatedOnly)
                foreach (var rule in nft.ListRules(Family, Table, Stage2))
                    if (rule.Comment == BridgeTag(c.Bridge)) batch.DeleteRule(rule);
        }
        nft.Commit(batch);
    });

    /// <summary>
    /// The recorded accepts, each read back by its handle, into <paramref name="batch"/>: false, with nothing added,
    /// when there is no record of them or one is gone or is not the attachment's (a table flushed and refilled).
    /// </summary>
    private bool DeleteRecorded(NftBatch batch, string tag)
    {
        if (recorded is null) return false;
        var found = new List<NftRuleInfo>();
        foreach (var handle in recorded)
        {
            if (handle.Rule != Containers) continue;
            if (nft.GetRule(Family, Table, Containers, handle.Handle) is not { } rule || rule.Comment != tag) return false;
            found.Add(rule);
        }
        if (found.Count == 0) return false;
        foreach (var rule in found) batch.DeleteRule(rule);
        return true;
    }

    /// <summary>The structure's jumps, both accepts per address and the bridge's isolation rules, each counted by its comment.</summary>
    public void Check(FirewallAttachment attachment) => Run("could not list the firewall's nftables rules", () =>
    {
        var forward = nft.ListRules(Family, Table, Forward);
        foreach (var chain in new[] { Stage1, Admin, Containers })
            if (!forward.Any(r => r.JumpTargets.Contains(chain)))
                throw Missing($"jump {chain}", Forward);
        var tag = Tag(attachment.ContainerId, attachment.IfName);
        var mine = nft.ListRules(Family, Table, Containers).Count(r => r.Comment == tag);
        if (mine < 2 * attachment.Addresses.Count)
            throw Missing($"accept of {string.Join(", ", attachment.Addresses.Select(a => a.Address))} (comment \"{tag}\")", Containers);
        if (attachment.HostInterface is not { } bridge) return;
        foreach (var rule in IsolationRules(bridge, policy))
            if (!nft.ListRules(Family, Table, rule.Chain).Any(r => r.Comment == rule.Comment))
                throw Missing($"rule with comment \"{rule.Comment}\"", rule.Chain);
    });

    private IEnumerable<string> Comments(string chain) =>
        nft.ListRules(Family, Table, chain).Select(r => r.Comment).OfType<string>();

    private static CniException Missing(string what, string chain) =>
        new(ErrorCode.Internal, $"expected {what} not found in chain {chain} of table inet {Table}");

    private void Run(string what, Action action) => NetfilterCall.Run(nft, what, _ => action());
}
