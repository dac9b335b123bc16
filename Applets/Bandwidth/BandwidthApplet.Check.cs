using CniBox.Netlink.Rtnl;
using CniBox.Netlink.TrafficControl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Bandwidth;

/// <summary>CHECK: the TBFs ADD made still carry the config's rate, limit and buffer (Go's texts).</summary>
public sealed partial class BandwidthApplet
{
    protected override void Check(PluginCall call, BandwidthConfig config, CniResult prevResult)
    {
        using var host = RtnlHandle.Open();
        var veth = HostVeth(call, host, prevResult);
        // Go dereferences a missing entry and panics; with nothing configured there is nothing to compare.
        if (config.Bandwidth is not { } bw || !(bw.ShapesIngress || bw.ShapesEgress)) return;
        var clock = PschedClock.Read();
        if (bw.ShapesIngress)
            CompareTbf(host.ListQdiscs(veth.Index), TbfMath.Options(veth.Index, bw.IngressRate, bw.IngressBurst, clock));
        if (bw.ShapesEgress)
        {
            var name = IfbName.For(config.Config.NetworkName, call.ContainerId);
            var ifb = host.GetLink(name) ?? throw Fail("get ifb device: Link not found");
            CompareTbf(host.ListQdiscs(ifb.Index), TbfMath.Options(ifb.Index, bw.EgressRate, bw.EgressBurst, clock));
        }
    }

    /// <summary>
    /// The root TBF against what ADD asked for, in Go's order. Unlike Go, which stops at the first qdisc that is
    /// not a TBF (so a veth whose TBF was replaced or removed passes), a missing root TBF fails.
    /// </summary>
    private static void CompareTbf(IReadOnlyList<QdiscInfo> qdiscs, TbfOptions expected)
    {
        if (qdiscs.FirstOrDefault(q => q.IsRoot && q.Tbf is not null)?.Tbf is not { } tbf) throw Fail("Failed to find qdisc");
        if (tbf.Rate != expected.Rate) throw Fail("Rate doesn't match");
        if (tbf.Limit != expected.Limit) throw Fail("Limit doesn't match");
        if (tbf.Buffer != expected.Buffer) throw Fail("Buffer doesn't match");
    }
}
