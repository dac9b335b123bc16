using System.Net.Sockets;
using CniBox.Applets.Common;
using CniBox.Netlink.Netfilter;
using CniBox.Spec.Addressing;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Applets.Portmap;

/// <summary>
/// Upstream 1.9's nftables layout (portmap_nftables.go after PR #1210), per family in table <c>ip|ip6 cni_hostport</c>:
/// <c>prerouting</c> and <c>output</c> (nat, dstnat) hold one rule, <c>[conditions] fib daddr type local jump
/// hostports_all</c>; <c>hostports_all</c> jumps to the legacy <c>hostip_hostports</c> and to <c>hostports</c>,
/// which holds one DNAT rule per mapping, commented with the container ID; <c>masquerading</c> (nat, srcnat)
/// holds the hairpin and localhost masquerades. Ours adds, commented the same way, a masquerade of DNAT'd flows from
/// the container's subnet (a second container on the bridge reaching the host port), and, in the v4 table, the
/// CVE-2020-8558 guard chain <c>localnet_guard</c>.
/// </summary>
public static class NftPortmapLayout
{
    public const string Table = "cni_hostport";
    public const string TableComment = "CNI portmap plugin";
    public const string HostPorts = "hostports";
    public const string HostIpHostPorts = "hostip_hostports";
    public const string HostPortsAll = "hostports_all";
    public const string Prerouting = "prerouting";
    public const string Output = "output";
    public const string Masquerading = "masquerading";
    public const string LocalnetGuard = "localnet_guard";

    /// <summary>knftables' DNATPriority and SNATPriority.</summary>
    public const int DstNat = -100, SrcNat = 100;

    /// <summary>The chains that hold per-container rules (what DEL, CHECK and GC look at, as upstream's DEL).</summary>
    public static readonly string[] ContainerChains = [HostPorts, HostIpHostPorts, Masquerading];

    public static NftFamily FamilyOf(bool v6) => v6 ? NftFamily.Ip6 : NftFamily.Ip;

    /// <summary>The mappings one family publishes: wrong-family hostIPs are skipped; an unspecified hostIP means any.</summary>
    public static IEnumerable<PortMapping> MappingsFor(PortmapPlan plan, bool v6) =>
        plan.Mappings.Where(m => m.HostIp is not { } ip || ip.IsV4 != v6);

    /// <summary>
    /// The structure, then this container's rules; one batch. With <paramref name="existing"/> only the missing or
    /// different part of the structure is written (<see cref="NftStructure"/>); without, all of it, as upstream.
    /// </summary>
    public static NftBatch Build(PortmapPlan plan, IpNet container, NftExpr[] conditions, NftHandle? existing = null)
    {
        var v6 = !container.Address.IsV4;
        var f = FamilyOf(v6);
        var batch = new NftBatch();
        var structure = new NftStructure(existing, batch, f, Table, TableComment)
            .Chain(new NftChain(f, Table, HostPorts))
            .Chain(new NftChain(f, Table, HostIpHostPorts))
            .Chain(new NftChain(f, Table, HostPortsAll),
                new NftRule(f, Table, HostPortsAll, [VerdictExpr.Jump(HostIpHostPorts)]),
                new NftRule(f, Table, HostPortsAll, [VerdictExpr.Jump(HostPorts)]));
        foreach (var (chain, hook) in new[] { (Prerouting, NF_INET_PRE_ROUTING), (Output, NF_INET_LOCAL_OUT) })
            structure.Chain(new NftChain(f, Table, chain, new NftBaseChain("nat", hook, DstNat)),
                new NftRule(f, Table, chain, [.. conditions, .. NftMatch.DestinationIsLocal(), VerdictExpr.Jump(HostPortsAll)]));
        if (plan.Snat)
            structure.Chain(new NftChain(f, Table, Masquerading, new NftBaseChain("nat", NF_INET_POST_ROUTING, SrcNat)));
        if (!v6)
            structure.Chain(new NftChain(NftFamily.Ip, Table, LocalnetGuard, new NftBaseChain("filter", NF_INET_LOCAL_IN, 0)), Guard());

        var ip = container.Address.ToIp();
        foreach (var m in MappingsFor(plan, v6))
        {
            NftExpr[] hostIp = m.HostIp is { } h && h.Value != 0 ? NftMatch.Destination(h.ToIp()) : [];
            byte[] port = [(byte)(m.ContainerPort >> 8), (byte)m.ContainerPort];
            batch.AddRule(new NftRule(f, Table, HostPorts,
                [.. hostIp, .. NftMatch.ProtocolPort(ProtocolNumber(m.Protocol), m.HostPort),
                 new ImmediateExpr(NFT_REG_1, ip.GetAddressBytes()), new ImmediateExpr(NFT_REG_2, port),
                 new NatExpr(NFT_NAT_DNAT, f, NFT_REG_1, NFT_REG_2)],
                plan.ContainerId));
        }
        if (plan.Snat)
        {
            var family = v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
            NftExpr[] toContainer = NftMatch.Destination(ip);
            if (plan.MasqAll)
                batch.AddRule(Masq(f, plan, [.. NftMatch.AnySource(family), .. toContainer]));
            else
            {
                batch.AddRule(Masq(f, plan, [.. NftMatch.Source(ip), .. toContainer]));
                if (!v6)
                    batch.AddRule(Masq(f, plan, [.. NftMatch.Source(System.Net.IPAddress.Loopback), .. toContainer]));
                batch.AddRule(Masq(f, plan, [.. NftMatch.Source(container.ToPrefix()), .. toContainer, .. NftMatch.Dnatted()]));
            }
        }
        return batch;
    }

    /// <summary>
    /// <c>iifname != "lo" ip daddr 127.0.0.0/8 ct status &amp; dnat == 0 drop</c> in a filter chain on input: with
    /// route_localnet=1 a neighbour could otherwise reach services bound to 127.0.0.1 (CVE-2020-8558). Our DNATs never
    /// lead to 127/8, and another tool's DNAT to localhost is let through.
    /// </summary>
    private static NftRule Guard() =>
        new(NftFamily.Ip, Table, LocalnetGuard,
            [.. NftMatch.IifName("lo", equal: false), .. NftMatch.Destination(System.Net.IPNetwork.Parse("127.0.0.0/8")),
             .. NftMatch.NotDnatted(), VerdictExpr.Drop]);

    private static NftRule Masq(NftFamily f, PortmapPlan plan, NftExpr[] match) =>
        new(f, Table, Masquerading, [.. match, new MasqExpr()], plan.ContainerId);

    public static byte ProtocolNumber(string protocol) => protocol switch
    {
        "tcp" => 6,
        "udp" => 17,
        "sctp" => 132,
        _ => throw new ArgumentException($"unknown protocol {protocol}", nameof(protocol)),
    };

    /// <summary>How many rules CHECK expects with the container's comment in hostports and masquerading.</summary>
    public static (int HostPorts, int Masquerading) Expected(PortmapPlan plan, bool v6) =>
        (MappingsFor(plan, v6).Count(), !plan.Snat ? 0 : plan.MasqAll ? 1 : v6 ? 2 : 3);
}
