using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Netlink.TrafficControl;
using CniBox.Spec;
using CniBox.Spec.Config;
using CniBox.Spec.Json;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Bandwidth;

/// <summary>
/// The bandwidth plugin (Go 1.1.1's layout, over rtnetlink): ingress is a TBF root qdisc on the host end of the
/// container's veth; egress goes through an ifb (<see cref="IfbName"/>): an ingress qdisc on the host veth, a
/// match-all u32 filter redirecting to the ifb, and a TBF on the ifb. The node is the calling netns.
/// </summary>
public sealed partial class BandwidthApplet : ChainedPlugin<BandwidthConfig>
{
    protected override IReadOnlyList<string> SupportedVersions { get; } = CniVersion.StartingFrom("0.3.0");

    protected override string MissingOnAdd => "must be called as chained plugin";

    protected override string MissingOnCheck => "must be called as a chained plugin";

    protected override BandwidthConfig Parse(PluginCall call) => BandwidthConfig.Parse(call.StdinData);

    protected override void Add(PluginCall call, BandwidthConfig config, CniResult prevResult)
    {
        if (config.Bandwidth is not { IsZero: false } bw) return;
        using var host = RtnlHandle.Open();
        var veth = HostVeth(call, host, prevResult);
        var clock = PschedClock.Read();
        var undo = new Stack<(string What, Action Step)>();
        try
        {
            if (bw.ShapesIngress)
            {
                Tc("create qdisc", () => host.AddTbf(TbfMath.Options(veth.Index, bw.IngressRate, bw.IngressBurst, clock)));
                undo.Push(("the host veth's TBF", () => host.DeleteQdisc(veth.Index, Tca.TC_H_ROOT)));
            }
            if (bw.ShapesEgress) AddEgress(call, config, prevResult, host, veth, bw, clock, undo);
        }
        catch
        {
            while (undo.TryPop(out var step)) Rollback.Run(call.Context.Log, step.What, step.Step);
            throw;
        }
    }

    private static void AddEgress(PluginCall call, BandwidthConfig config, CniResult result, RtnlHandle host, LinkInfo veth,
        BandwidthEntry bw, PschedClock clock, Stack<(string, Action)> undo)
    {
        var name = IfbName.For(config.Config.NetworkName, call.ContainerId);
        // Go 1.1.1 creates the ifb up, with the veth's MTU and a txqueuelen of 0.
        Tc("adding link", () => host.AddIfb(new IfbOptions(name) { Mtu = veth.Mtu, TxQueueLength = 0, Up = true }));
        undo.Push(("the ifb " + name, () => host.DeleteLink(name)));
        var ifb = host.GetLink(name) ?? throw Fail("Link not found");
        if (IfbName.Alias(call.ContainerId) is { } alias) host.SetLinkAlias(ifb.Index, alias);
        else call.Context.Log.Warning("container ID too long for the alias of {Ifb}: GC will not find it", name);
        result.Interfaces.Add(new ResultInterface { Name = name, Mac = ifb.Mac ?? "" });

        Tc("create ingress qdisc", () => host.AddIngressQdisc(veth.Index));
        undo.Push(("the host veth's ingress qdisc", () => host.DeleteQdisc(veth.Index, Tca.TC_H_INGRESS)));
        // What Go's netlink sends for its U32{ClassId 1:1, RedirIndex, Actions: [Mirred]}: the RedirIndex becomes a
        // redirect that steals the packet, then the listed mirred (verdict pass) follows it.
        Tc("add filter", () => host.AddU32MatchAll(new U32MatchAllOptions(veth.Index, TcHandle.Make(0xffff, 0), 1,
            [new MirredAction(ifb.Index), new MirredAction(ifb.Index) { Verdict = FilterMessages.TC_ACT_OK }])
        {
            ClassId = TcHandle.Make(1, 1),
        }));
        Tc("create ifb qdisc: create qdisc", () => host.AddTbf(TbfMath.Options(ifb.Index, bw.EgressRate, bw.EgressBurst, clock)));
    }

    protected override void Del(PluginCall call, BandwidthConfig config, CniResult? prevResult)
    {
        var name = IfbName.For(config.Config.NetworkName, call.ContainerId);
        using var host = RtnlHandle.Open();
        try
        {
            host.DeleteLink(name);
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
        }
        catch (NetlinkException e)
        {
            throw Fail($"failed to delete {GoText.Quote(name)}: {Errno.Text(e.Errno)}");
        }
    }

    /// <summary>Removes the ifbs this network made for containers no longer in <c>cni.dev/valid-attachments</c>.</summary>
    protected override void Gc(PluginCall call, BandwidthConfig config)
    {
        var valid = GcAttachments.ReadValid(call.StdinData).Select(a => a.ContainerId).ToHashSet(StringComparer.Ordinal);
        using var host = RtnlHandle.Open();
        foreach (var link in host.DumpLinks())
        {
            if (IfbName.OwnedContainer(link, config.Config.NetworkName) is not { } containerId || valid.Contains(containerId)) continue;
            try
            {
                host.DeleteLink(link.Index);
            }
            catch (NetlinkException e) when (e.IsNotFound)
            {
            }
        }
    }

    private static LinkInfo HostVeth(PluginCall call, RtnlHandle host, CniResult prevResult)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        return VethPeer.Find(container, host, call.IfName, prevResult.Interfaces).Link;
    }

    /// <summary>A netlink step with Go's wording: "<paramref name="what"/>: file exists".</summary>
    private static void Tc(string what, Action step)
    {
        try
        {
            step();
        }
        catch (NetlinkException e)
        {
            throw Fail($"{what}: {Errno.Text(e.Errno)}");
        }
    }

    private static CniException Fail(string message) => new(ErrorCode.Internal, message);
}
