using CniBox.Applets.Common;
using CniBox.Applets.Common.Iptables;
using CniBox.Applets.Common.Netfilter;
using CniBox.Netlink.Netfilter;
using CniBox.Spec;
using CniBox.Spec.Addressing;

namespace CniBox.Applets.Portmap.Iptables;

/// <summary>
/// <c>"backend": "iptables"</c>: Go's iptables portmap layout (<see cref="PortmapIptablesRules"/>) written as go-iptables
/// does through <see cref="IptablesHost"/>: over netlink in iptables-nft's encoding (no process; the <c>iptables</c>
/// program only for conditions beyond that encoding), or iptables-legacy where it holds the tables, so Go's DEL
/// removes it. Only the families the container has an address in are touched. DEL and GC remove chains as
/// <see cref="RemoveGoLayout"/> does: over netlink where iptables-nft holds them.
/// </summary>
/// <param name="network">The network this call serves: GC removes only this network's containers.</param>
public sealed class IptablesPortmap(string network, NftHandle? nft = null) : IPortmapBackend
{
    public string Name => "iptables";

    /// <summary>Per family the container has an address in; no mappings writes nothing, as Go passes such an ADD through.</summary>
    public void Add(PortmapPlan plan)
    {
        if (plan.Mappings.Count == 0)
            return;
        foreach (var (container, ipt) in Families(plan))
            using (ipt as IDisposable)
                foreach (IptablesChainSpec chain in PortmapIptablesRules.Chains(plan, container))
                    Setup(ipt, chain);
    }

    /// <summary>The removed chains' ports are not read back: the runtime's mappings on DEL name them.</summary>
    public IReadOnlyCollection<ushort> Del(string network, string containerId)
    {
        RemoveGoLayout(network, containerId, nft);
        return [];
    }

    /// <summary>checkPorts: the container's chain, each of its rules and each entry rule, per family it has an address in.</summary>
    public void Check(PortmapPlan plan)
    {
        foreach (var (container, ipt) in Families(plan))
        {
            using var _ = ipt as IDisposable;
            string family = container.Address.IsV4 ? "ipv4" : "ipv6";
            IptablesChainSpec chain = PortmapIptablesRules.Dnat(plan, container);
            if (!ipt.ChainExists(Nat, chain.Name))
                throw CheckFailed(family, $"chain {chain.Name} not found in iptables table nat");
            if (chain.Rules.Any(rule => !ipt.Exists(Nat, chain.Name, rule)))
                throw CheckFailed(family, $"rule {GoList(chain.Rules)} in chain {chain.Name} not found in table nat");
            foreach (string entryChain in chain.EntryChains)
                if (chain.EntryRules.Any(rule => !ipt.Exists(Nat, entryChain, chain.EntryRule(rule))))
                    throw CheckFailed(family, $"rule {GoList(chain.EntryRules)} in chain {entryChain} not found in table nat");
        }
    }

    /// <summary>
    /// Removes the chains of this network's containers that are not in <paramref name="validContainerIds"/>, found by
    /// the comment of their entry rules in CNI-HOSTPORT-DNAT (Go's plugin has no GC).
    /// </summary>
    public void Gc(IReadOnlySet<string> validContainerIds)
    {
        var stale = new HashSet<string>(StringComparer.Ordinal);
        foreach (bool v6 in new[] { false, true })
        {
            IIptables ipt = IptablesHost.Open(v6, nft);
            using (ipt as IDisposable)
            {
                if (!ipt.ChainExists(Nat, PortmapIptablesRules.TopLevelDnatChain))
                    continue;
                foreach (string line in ipt.ListRules(Nat, PortmapIptablesRules.TopLevelDnatChain))
                    if (PortmapIptablesRules.EntryOwner(line) is ({ } net, { } id) && net == network && !validContainerIds.Contains(id))
                        stale.Add(id);
            }
        }
        foreach (string containerId in stale)
            RemoveGoLayout(network, containerId, nft);
    }

    /// <summary>
    /// Removes what Go's iptables portmap (and this backend) made for one container in both families: its
    /// <c>CNI-DN-</c> chain and the legacy <c>CNI-SN-</c> chain with the rules jumping to them. Over nf_tables netlink
    /// where iptables-nft holds them (one batch per family, no process); with iptables-legacy only when the node has
    /// a legacy nat table. Nothing found is success. Callable on every DEL whatever the backend.
    /// </summary>
    public static void RemoveGoLayout(string network, string containerId, NftHandle? handle = null)
    {
        (string, string)[] chains =
        [
            (PortmapIptablesRules.DnatChainName(network, containerId), PortmapIptablesRules.TopLevelDnatChain),
            (PortmapIptablesRules.OldSnatChainName(network, containerId), PortmapIptablesRules.OldTopLevelSnatChain),
        ];
        const string what = "failed to remove the iptables portmap rules";
        if (handle is null) NetfilterCall.Run(what, h => IptablesNftChains.Remove(h, chains));
        else NetfilterCall.Run(handle, what, h => IptablesNftChains.Remove(h, chains));
        IptablesProgram.RemoveLegacyNatChains(chains);
    }

    private const string Nat = IptablesProgram.Nat;

    /// <summary>chain.setup: the chain, its rules (appended once), then its entry rules in each entry chain.</summary>
    private static void Setup(IIptables ipt, IptablesChainSpec chain)
    {
        ipt.EnsureChain(Nat, chain.Name);
        foreach (string[] rule in chain.Rules)
            ipt.InsertUnique(Nat, chain.Name, rule);
        foreach (string entryChain in chain.EntryChains)
            foreach (string[] rule in chain.EntryRules)
                ipt.InsertUnique(Nat, entryChain, chain.EntryRule(rule), chain.PrependEntry);
    }

    /// <summary>Each family the container has an address in, with its iptables (the conditions decide whether netlink can write them).</summary>
    private IEnumerable<(IpNet Container, IIptables Iptables)> Families(PortmapPlan plan)
    {
        if (plan.ContainerV4 is { } v4)
            yield return (v4, IptablesHost.OpenFor(false, [plan.ConditionsV4 ?? []], nft));
        if (plan.ContainerV6 is { } v6)
            yield return (v6, IptablesHost.OpenFor(true, [plan.ConditionsV6 ?? []], nft));
    }

    private static CniException CheckFailed(string family, string why) =>
        new(ErrorCode.Internal, $"could not check {family} dnat: {why}");

    /// <summary>Go's %s of a [][]string: <c>[[a b] [c d]]</c>.</summary>
    private static string GoList(IEnumerable<string[]> rules) => "[" + string.Join(" ", rules.Select(r => "[" + string.Join(" ", r) + "]")) + "]";
}
