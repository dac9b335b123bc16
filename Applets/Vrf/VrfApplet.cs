using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Applets.Common.OneLink;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Vrf;

/// <summary>
/// Upstream's vrf (chained, from cniVersion 0.3.1): puts CNI_IFNAME into the VRF <c>vrfname</c>, made (and set up)
/// when missing with <c>table</c> or the first table no VRF uses; DEL takes the interface out and deletes the VRF
/// with its last port. A kernel without vrf support fails ADD with a CNI error that says so, before anything exists.
/// </summary>
public sealed class VrfApplet : ChainedPlugin<VrfConfig>
{
    protected override IReadOnlyList<string> SupportedVersions { get; } = CniVersion.StartingFrom("0.3.1");

    protected override VrfConfig Parse(PluginCall call) => VrfConfig.Parse(call.StdinData);

    protected override void Add(PluginCall call, VrfConfig cfg, CniResult prevResult)
    {
        using var rtnl = ContainerNetns.OpenRtnl(call.Netns);
        try
        {
            var vrf = Find(rtnl, cfg.VrfName);
            var table = (vrf?.KindData as VrfData)?.Table ?? 0;
            if (vrf is not null && cfg.Table != 0 && table != cfg.Table)
                throw new CniException(ErrorCode.Internal, $"VRF {cfg.VrfName} already exist with different routing table {table}");
            var created = vrf is null;
            if (created) (vrf, table) = Create(rtnl, cfg, call.Log);
            try
            {
                VrfPort.Enslave(rtnl, vrf!, table, call.IfName, call.Log);
            }
            catch
            {
                if (created) Rollback.Run(call.Log, $"delete VRF {cfg.VrfName}", () => rtnl.DeleteLink(vrf!.Index));
                throw;
            }
        }
        catch (NotSupportedByKernelException e)
        {
            // Ours, not Go's, so not under Go's "cmdAdd failed: ": the one-link plugins' words for a missing kind.
            throw new CniException(ErrorCode.Internal, OneLinkCreation.MissingKernelSupport(e));
        }
        catch (CniException e)
        {
            throw new CniException(e.Code, "cmdAdd failed: " + e.Message);
        }
    }

    protected override void Del(PluginCall call, VrfConfig cfg, CniResult? prevResult)
    {
        if (call.Netns.Length == 0) return;
        using var rtnl = ContainerNetns.TryOpenRtnl(call.Netns);
        if (rtnl is null || Find(rtnl, cfg.VrfName) is not { } vrf) return;
        // Go fails when the interface is gone already; a DEL must not, and the VRF may still have to go.
        if (rtnl.GetLink(call.IfName) is { } link && link.MasterIndex == vrf.Index)
            Try(() => rtnl.SetLinkMaster(link.Index, 0), $"resetMaster: could reset master to {call.IfName}");
        if (!rtnl.DumpLinks().Any(l => l.MasterIndex == vrf.Index))
            Try(() => rtnl.DeleteLink(vrf.Index), $"failed to delete VRF {cfg.VrfName}");
    }

    protected override void Check(PluginCall call, VrfConfig cfg, CniResult prevResult)
    {
        using var rtnl = ContainerNetns.OpenRtnl(call.Netns);
        var vrf = Find(rtnl, cfg.VrfName) ?? throw new CniException(ErrorCode.Internal, "Link not found");
        if (!rtnl.DumpLinks().Any(l => l.MasterIndex == vrf.Index && l.Name == call.IfName))
            throw new CniException(ErrorCode.Internal, $"Failed to find {call.IfName} associated to vrf {cfg.VrfName}");
    }

    /// <summary>Go's findVRF: the link of that name, which must be a VRF; null when there is none.</summary>
    private static LinkInfo? Find(RtnlHandle rtnl, string name)
    {
        var link = rtnl.GetLink(name);
        if (link is not null && link.Kind != LinkMessages.VrfKind)
            throw new CniException(ErrorCode.Internal, $"Netlink {name} is not a VRF");
        return link;
    }

    /// <summary>Go's createVRF: the given table or the first one (from 1) no VRF in the netns uses, then up.</summary>
    private static (LinkInfo Vrf, uint Table) Create(RtnlHandle rtnl, VrfConfig cfg, Serilog.ILogger log)
    {
        var table = cfg.Table;
        if (table == 0)
        {
            var taken = new HashSet<uint>();
            foreach (var l in rtnl.DumpLinks())
                if (l.KindData is VrfData data) taken.Add(data.Table);
            table = 1;
            while (taken.Contains(table)) table++;
        }
        try
        {
            rtnl.AddVrf(cfg.VrfName, table);
        }
        catch (NetlinkException e) when (e is not NotSupportedByKernelException)
        {
            throw new CniException(ErrorCode.Internal, $"could not add VRF {cfg.VrfName}: {e.Message}");
        }
        var vrf = rtnl.GetLink(cfg.VrfName) ?? throw new CniException(ErrorCode.Internal, $"could not find VRF {cfg.VrfName} after adding it");
        try
        {
            rtnl.SetLinkUp(vrf.Index);
        }
        catch (NetlinkException e)
        {
            Rollback.Run(log, $"delete VRF {cfg.VrfName}", () => rtnl.DeleteLink(vrf.Index));
            throw new CniException(ErrorCode.Internal, $"could not set link up for VRF {cfg.VrfName}: {e.Message}");
        }
        return (vrf, table);
    }

    private static void Try(Action action, string what)
    {
        try
        {
            action();
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"{what}: {e.Message}");
        }
    }
}
