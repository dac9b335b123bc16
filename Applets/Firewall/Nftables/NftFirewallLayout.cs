using System.Net.Sockets;
using CniBox.Applets.Common;
using CniBox.Netlink.Netfilter;
using CniBox.Spec.Addressing;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Applets.Firewall.Nftables;

/// <summary>
/// Our own nftables layout (Go's firewall has none), table <c>inet cnibox_firewall</c>: the base chain
/// <c>forward</c> (filter, hook forward, priority 0, policy accept) jumps to <c>isolation_stage_1</c>, then to
/// <c>admin</c> (the admin's own rules, as CNI-ADMIN: we create it and never touch its rules), then to
/// <c>containers</c>, which holds per container address the two accepts of Go's CNI-FORWARD, commented
/// <c>&lt;containerId&gt; &lt;ifname&gt;</c>. ingressPolicy adds, commented <c>bridge &lt;name&gt;</c>, Go's
/// isolation: in stage 1 <c>iifname br oifname != br jump isolation_stage_2</c> (and, isolated,
/// <c>iifname br oifname br drop</c>), in stage 2 <c>oifname br drop</c>. One inet rule serves both families.
/// </summary>
public static class NftFirewallLayout
{
    public const string Table = "cnibox_firewall";
    public const string TableComment = "cnibox firewall plugin";
    public const string Forward = "forward";
    public const string Admin = "admin";
    public const string Containers = "containers";
    public const string Stage1 = "isolation_stage_1";
    public const string Stage2 = "isolation_stage_2";
    public const NftFamily Family = NftFamily.Inet;

    /// <summary>The comment of an attachment's accepts: the container ID, then the interface (one container, two networks).</summary>
    public static string Tag(string containerId, string ifName) => containerId + " " + ifName;

    public static string BridgeTag(string bridge) => "bridge " + bridge;

    public static string IsolatedTag(string bridge) => "bridge " + bridge + " isolated";

    /// <summary>The forward chain's jumps, in order.</summary>
    public static readonly string[] Jumps = [Stage1, Admin, Containers];

    /// <summary>
    /// The table, its chains and the forward chain's three jumps, rewritten whole (the jumps stay first). Only what
    /// is missing when <paramref name="existing"/> (the table's chains) and <paramref name="forwardJumps"/> (the
    /// forward chain's jump targets) are given: re-adding a chain that exists is an update, and the kernel frees an
    /// update only after an RCU grace period, which the closing of the netlink socket then waits for (~10-30 ms).
    /// </summary>
    public static NftBatch Structure(NftBatch batch, IReadOnlySet<string>? existing = null, IReadOnlyList<string>? forwardJumps = null)
    {
        bool Missing(string chain) => existing is null || !existing.Contains(chain);
        if (existing is null || existing.Count == 0) batch.AddTable(Family, Table, TableComment);
        if (Missing(Forward)) batch.AddChain(new NftChain(Family, Table, Forward, new NftBaseChain("filter", NF_INET_FORWARD, 0)));
        foreach (var chain in new[] { Stage1, Stage2, Admin, Containers })
            if (Missing(chain)) batch.AddChain(new NftChain(Family, Table, chain));
        if (forwardJumps is not null && forwardJumps.SequenceEqual(Jumps))
            return batch;
        if (existing is null || existing.Contains(Forward)) batch.FlushChain(Family, Table, Forward);
        foreach (var chain in Jumps)
            batch.AddRule(new NftRule(Family, Table, Forward, [VerdictExpr.Jump(chain)]));
        return batch;
    }

    /// <summary>Go's getPrivChainRules for one address: replies to it (<c>ct state established,related</c>), all from it.</summary>
    public static NftRule[] AddressRules(IpAddr address, string tag)
    {
        var ip = address.ToIp();
        var nfproto = NftMatch.NfProto(address.IsV4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6);
        return
        [
            new(Family, Table, Containers, [.. nfproto, .. NftMatch.Destination(ip), .. NftMatch.CtStateEstablishedOrRelated(), VerdictExpr.Accept], tag),
            new(Family, Table, Containers, [.. nfproto, .. NftMatch.Source(ip), VerdictExpr.Accept], tag),
        ];
    }

    public static NftRule Stage1Bridge(string bridge) =>
        new(Family, Table, Stage1, [.. NftMatch.IifName(bridge), .. NftMatch.OifName(bridge, equal: false), VerdictExpr.Jump(Stage2)], BridgeTag(bridge));

    public static NftRule Stage1BridgeDrop(string bridge) =>
        new(Family, Table, Stage1, [.. NftMatch.IifName(bridge), .. NftMatch.OifName(bridge), VerdictExpr.Drop], IsolatedTag(bridge));

    public static NftRule Stage2Bridge(string bridge) =>
        new(Family, Table, Stage2, [.. NftMatch.OifName(bridge), VerdictExpr.Drop], BridgeTag(bridge));

    /// <summary>The isolation rules a bridge needs under <paramref name="policy"/> (none when open).</summary>
    public static IEnumerable<NftRule> IsolationRules(string bridge, IngressPolicy policy)
    {
        if (policy == IngressPolicy.Open) yield break;
        yield return Stage1Bridge(bridge);
        if (policy == IngressPolicy.Isolated) yield return Stage1BridgeDrop(bridge);
        yield return Stage2Bridge(bridge);
    }
}
