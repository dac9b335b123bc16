using CniBox.Netlink.Netfilter;
using Serilog;
using static CniBox.Applets.Portmap.NftPortmapLayout;

namespace CniBox.Applets.Portmap;

/// <summary>
/// ADD's warning when another container's rule for the same protocol and host port (and an overlapping host IP) comes
/// first in the chain, so it keeps the traffic, as with Go; it names both containers. The rules judged are those of
/// <c>hostip_hostports</c> then <c>hostports</c>, in chain order: read through the <see cref="HostPortIndex"/> (one
/// GETRULE per other container on the same ports), or, without an index or before it is complete, by listing both
/// chains, which then fills the index.
/// </summary>
public static class TakenHostPorts
{
    public static void Warn(ILogger log, NftHandle nft, HostPortIndex? index, PortmapPlan plan, bool v6)
    {
        var mine = MappingsFor(plan, v6).ToList();
        if (mine.Count == 0) return;
        foreach (var rule in Candidates(nft, index, FamilyOf(v6), mine))
        {
            if (rule.Comment is not { } owner || owner == plan.ContainerId || NftPortmap.Published(rule) is not { } theirs) continue;
            foreach (var m in mine)
            {
                var myIp = m.HostIp is { } h && h.Value != 0 ? h.ToBytes() : null;
                if (ProtocolNumber(m.Protocol) != theirs.Protocol || m.HostPort != theirs.Port) continue;
                if (myIp is not null && theirs.HostIp is not null && !myIp.AsSpan().SequenceEqual(theirs.HostIp)) continue;
                log.Warning("portmap: host port {Protocol}/{HostPort} is already published by container {Owner}; its rule " +
                    "comes first, so container {ContainerId} will not receive that traffic", m.Protocol, m.HostPort, owner, plan.ContainerId);
            }
        }
    }

    /// <summary>The rules that may publish one of <paramref name="mine"/>'s host ports, in chain order.</summary>
    private static List<NftRuleInfo> Candidates(NftHandle nft, HostPortIndex? index, NftFamily family, List<PortMapping> mine)
    {
        if (index is null || !index.IsComplete(family))
        {
            var listed = new List<NftRuleInfo>(nft.ListRules(family, Table, HostIpHostPorts));
            listed.AddRange(nft.ListRules(family, Table, HostPorts));
            if (index is not null)
            {
                var entries = new List<HostPortEntry>();
                foreach (var rule in listed)
                    if (NftPortmap.Entry(rule) is { } entry) entries.Add(entry);
                index.Add(entries);
                index.MarkComplete(family);
            }
            return listed;
        }
        var found = new Dictionary<string, NftRuleInfo>(StringComparer.Ordinal);
        var ports = new HashSet<int>();
        foreach (var m in mine)
        {
            var protocol = ProtocolNumber(m.Protocol);
            if (!ports.Add(protocol << 16 | m.HostPort)) continue;
            foreach (var entry in index.Find(family, protocol, m.HostPort))
            {
                // A stale entry (rule gone, table flushed and refilled) finds no rule or another one, judged as it is.
                var where = entry.Chain + " " + entry.Handle;
                if (entry.Chain is not (HostPorts or HostIpHostPorts) || found.ContainsKey(where)) continue;
                if (nft.GetRule(family, Table, entry.Chain, entry.Handle) is { } rule)
                    found[where] = rule;
            }
        }
        var rules = new List<NftRuleInfo>(found.Values);
        rules.Sort((a, b) => a.Chain == b.Chain ? a.Handle.CompareTo(b.Handle) : a.Chain == HostIpHostPorts ? -1 : 1);
        return rules;
    }
}
