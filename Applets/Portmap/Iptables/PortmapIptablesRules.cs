using System.Globalization;
using CniBox.Applets.Common.Netfilter;
using CniBox.Spec.Addressing;

namespace CniBox.Applets.Portmap.Iptables;

/// <summary>
/// The rule text of Go's iptables portmap layout (portmap_iptables.go, utils.go of containernetworking/plugins, as
/// Debian's 1.1.1 writes it), per family. Pure: nothing here runs iptables.
/// </summary>
public static class PortmapIptablesRules
{
    public const string TopLevelDnatChain = "CNI-HOSTPORT-DNAT";
    public const string SetMarkChain = "CNI-HOSTPORT-SETMARK";
    public const string MarkMasqChain = "CNI-HOSTPORT-MASQ";
    public const string OldTopLevelSnatChain = "CNI-HOSTPORT-SNAT";

    /// <summary>multiport accepts at most 15 ports per rule.</summary>
    public const int MultiportLimit = 15;

    public static string DnatChainName(string network, string containerId) =>
        IptablesMasqueradeNames.ChainNameWithPrefix(network, containerId, "DN-");

    /// <summary>The per-container SNAT chain of old plugin versions; DEL still removes it.</summary>
    public static string OldSnatChainName(string network, string containerId) =>
        IptablesMasqueradeNames.ChainNameWithPrefix(network, containerId, "SN-");

    /// <summary>The entry rules' comment (plain quotes, not Go's %q), cut to iptables' 255 characters as trimComment does.</summary>
    public static string Comment(string network, string containerId)
    {
        string comment = $"dnat name: \"{network}\" id: \"{containerId}\"";
        return comment.Length <= 255 ? comment : comment[..253] + "...";
    }

    /// <summary><c>%#x/%#x</c> of 1 &lt;&lt; markMasqBit, e.g. <c>0x2000/0x2000</c>.</summary>
    public static string MarkDef(int markMasqBit)
    {
        string value = "0x" + (1L << markMasqBit).ToString("x", CultureInfo.InvariantCulture);
        return value + "/" + value;
    }

    /// <summary>
    /// The chains ADD sets up for the container's address of one family, in Go's order: SETMARK and MASQ (only with
    /// snat and no externalSetMarkChain), the top-level DNAT chain, the container's <c>CNI-DN-</c> chain.
    /// </summary>
    public static IReadOnlyList<IptablesChainSpec> Chains(PortmapPlan plan, IpNet container)
    {
        var chains = new List<IptablesChainSpec>();
        if (plan.Snat && plan.ExternalSetMarkChain is null)
            chains.AddRange([SetMark(plan.MarkMasqBit), MarkMasq(plan.MarkMasqBit)]);
        chains.Add(TopLevelDnat());
        chains.Add(Dnat(plan, container));
        return chains;
    }

    public static IptablesChainSpec TopLevelDnat() =>
        new(TopLevelDnatChain, [], ["PREROUTING", "OUTPUT"], [["-m", "addrtype", "--dst-type", "LOCAL"]]);

    public static IptablesChainSpec SetMark(int markMasqBit) =>
        new(SetMarkChain, [["-m", "comment", "--comment", "CNI portfwd masquerade mark", "-j", "MARK", "--set-xmark", MarkDef(markMasqBit)]], [], []);

    /// <summary>Its POSTROUTING entry goes first, ahead of the bridge and ptp plugins' masquerading.</summary>
    public static IptablesChainSpec MarkMasq(int markMasqBit) =>
        new(MarkMasqChain, [["-m", "mark", "--mark", MarkDef(markMasqBit), "-j", "MASQUERADE"]], ["POSTROUTING"],
            [["-m", "comment", "--comment", "CNI portfwd requiring masquerade"]], PrependEntry: true);

    /// <summary>
    /// The container's chain: entry rules in CNI-HOSTPORT-DNAT per protocol (sorted) and per 15 ports (every mapping,
    /// in the order given, whatever its hostIP), then per mapping of this family the hairpin mark, the localhost mark
    /// (v4, not masqAll) and the DNAT.
    /// </summary>
    public static IptablesChainSpec Dnat(PortmapPlan plan, IpNet container)
    {
        bool v6 = !container.Address.IsV4;
        string comment = Comment(plan.Network, plan.ContainerId);
        var conditions = (v6 ? plan.ConditionsV6 : plan.ConditionsV4) ?? [];
        var entryRules = new List<string[]>();
        foreach (var group in plan.Mappings.GroupBy(m => m.Protocol).OrderBy(g => g.Key, StringComparer.Ordinal))
            foreach (var ports in group.Select(m => m.HostPort.ToString(CultureInfo.InvariantCulture)).Chunk(MultiportLimit))
                entryRules.Add(["-m", "comment", "--comment", comment, "-m", "multiport", "-p", group.Key,
                    "--destination-ports", string.Join(",", ports), .. conditions]);

        string setMark = plan.ExternalSetMarkChain ?? SetMarkChain;
        var rules = new List<string[]>();
        foreach (PortMapping m in plan.Mappings)
        {
            if (m.HostIp is { } hostIp && hostIp.IsV4 == v6)
                continue;
            string[] match = ["-p", m.Protocol, "--dport", m.HostPort.ToString(CultureInfo.InvariantCulture)];
            if (m.HostIp is { } dst && dst.Value != 0)
                match = [.. match, "-d", dst.ToString()];
            if (plan.Snat)
            {
                string masqCidr = plan.MasqAll ? (v6 ? "::/0" : "0.0.0.0/0") : container.ToString();
                rules.Add([.. match, "-s", masqCidr, "-j", setMark]);
                if (!v6 && !plan.MasqAll)
                    rules.Add([.. match, "-s", "127.0.0.1", "-j", setMark]);
            }
            rules.Add([.. match, "-j", "DNAT", "--to-destination", Destination(container.Address, m.ContainerPort)]);
        }
        return new IptablesChainSpec(DnatChainName(plan.Network, plan.ContainerId), rules, [TopLevelDnatChain], entryRules);
    }

    /// <summary>fmtIpPort: <c>ip:port</c>, <c>[ip6]:port</c>.</summary>
    public static string Destination(IpAddr ip, ushort port) =>
        ip.IsV4 ? $"{ip}:{port.ToString(CultureInfo.InvariantCulture)}" : $"[{ip}]:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The network and container of an entry rule as <c>iptables -S</c> prints its comment,
    /// <c>--comment "dnat name: \"NET\" id: \"CID\""</c>; nulls for any other rule.
    /// </summary>
    public static (string? Network, string? ContainerId) EntryOwner(string line)
    {
        const string Start = "--comment \"dnat name: \\\"", Middle = "\\\" id: \\\"", End = "\\\"\"";
        int start = line.IndexOf(Start, StringComparison.Ordinal);
        if (start < 0) return (null, null);
        start += Start.Length;
        int middle = line.IndexOf(Middle, start, StringComparison.Ordinal);
        if (middle < 0) return (null, null);
        int end = line.IndexOf(End, middle + Middle.Length, StringComparison.Ordinal);
        return end < 0 ? (null, null) : (line[start..middle], line[(middle + Middle.Length)..end]);
    }
}
