using CniBox.Applets.Common;
using CniBox.Ipam;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.HostDevice;

/// <summary>
/// Go's host-device: moves an existing node device into the container under CNI_IFNAME (the result names it, as
/// upstream 1.9 does), optionally configured by IPAM; DEL moves it back under its original name. A failure at any
/// step of ADD puts the device back where and as it was (name, alias, up state) and releases the IPAM address.
/// </summary>
public sealed class HostDeviceApplet(IIpamInvoker? ipam = null) : CniPlugin<HostDeviceConfig>
{
    private readonly IIpamInvoker _ipam = ipam ?? AppletTable.IpamInvoker;

    protected override HostDeviceConfig Parse(PluginCall call) => HostDeviceConfig.Parse(call.StdinData);

    protected override CniResult Add(PluginCall call, HostDeviceConfig cfg)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        using var host = RtnlHandle.Open();
        var result = new CniResult();
        LinkInfo? moved = null;
        LinkInfo? original = null;
        HostDeviceRecord? record = null;
        if (!cfg.DpdkMode)
        {
            original = HostDeviceLookup.Find(host, cfg);
            record = HostDeviceRecord.Of(host, original);
            try
            {
                moved = Moved(() => HostDeviceMove.In(host, container, original, call.IfName, call.Log));
            }
            catch
            {
                // The move undid itself and left the device in the node; the kernel dropped its addresses on the way.
                var back = original.Name;
                Rollback.Run(call.Log, $"restore the node state of {back}", () => record.Restore(host, back, call.Log));
                throw;
            }
            try
            {
                record.Write(RecordPath(call));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Rollback.Run(call.Log, $"move {call.IfName} back to {original.Name}", () => PutBack(container, host, call, record));
                throw new CniException(ErrorCode.IoFailure, $"failed to record the node state of {original.Name}: {e.Message}");
            }
            result.Interfaces = [new ResultInterface { Name = moved.Name, Mac = moved.Mac, Sandbox = call.Netns }];
        }
        if (cfg.IpamType.Length == 0)
        {
            result.CniVersion = call.CniVersion;
            return result;
        }
        try
        {
            var ipamResult = _ipam.Add(call, cfg.IpamType);
            try
            {
                if (ipamResult.Ips.Count == 0)
                    throw new CniException(ErrorCode.Internal, "IPAM plugin returned missing IP config");
                foreach (var ipc in ipamResult.Ips) ipc.Interface = 0;
                ipamResult.Interfaces = result.Interfaces;
                if (moved is not null) IfaceConfigurator.Configure(container, moved, ipamResult);
                ipamResult.Dns = cfg.Config.Conf.Dns?.Copy() ?? new();
                ipamResult.CniVersion = call.CniVersion;
                return ipamResult;
            }
            catch
            {
                Rollback.Run(call.Log, "IPAM DEL", () => _ipam.Del(call, cfg.IpamType));
                throw;
            }
        }
        catch
        {
            if (original is not null)
                Rollback.Run(call.Log, $"move {call.IfName} back to {original.Name}", () => PutBack(container, host, call, record));
            throw;
        }
    }

    protected override void Del(PluginCall call, HostDeviceConfig cfg)
    {
        if (cfg.IpamType.Length > 0) _ipam.Del(call, cfg.IpamType);
        if (call.Netns.Length == 0 || cfg.DpdkMode) return;
        using var container = ContainerNetns.TryOpenRtnl(call.Netns);
        if (container is null) return;
        using var host = RtnlHandle.Open();
        if (HostDeviceMove.Out(container, host, call.IfName, call.Log) is not { } name)
        {
            call.Log.Debug("no {IfName} in the container: nothing to move back", call.IfName);
            return;
        }
        var path = RecordPath(call);
        HostDeviceRecord.Read(path)?.Restore(host, name, call.Log);
        HostDeviceRecord.Delete(path);
    }

    protected override void Check(PluginCall call, HostDeviceConfig cfg)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        if (cfg.IpamType.Length > 0) _ipam.Check(call, cfg.IpamType);
        var prev = ResultChecks.RequirePrevResult(cfg.Config.Conf, "");
        if (cfg.DpdkMode) return;
        var cont = prev.Interfaces.FirstOrDefault(i => i.Name == call.IfName && i.Sandbox == call.Netns);
        if (cont is null)
            throw new CniException(ErrorCode.Internal, $"Sandbox in prevResult  doesn't match configured netns: {call.Netns}");
        var link = container.GetLink(cont.Name!)
            ?? throw new CniException(ErrorCode.Internal, $"Container Interface name in prevResult: {cont.Name} not found");
        if (!string.IsNullOrEmpty(cont.Mac) && cont.Mac != link.Mac)
            throw new CniException(ErrorCode.Internal, $"Interface {cont.Name} Mac {cont.Mac} doesn't match container Mac: {link.Mac}");
        ResultChecks.Container(container, link, prev.Ips, prev.Routes);
    }

    protected override void Gc(PluginCall call, HostDeviceConfig cfg)
    {
        if (cfg.IpamType.Length > 0) _ipam.Gc(call, cfg.IpamType);
    }

    protected override void Status(PluginCall call, HostDeviceConfig cfg)
    {
        if (cfg.IpamType.Length > 0) _ipam.Status(call, cfg.IpamType);
    }

    /// <summary>ADD's undo after the move: back into the node under its name, with its addresses, up again if it was.</summary>
    private static void PutBack(RtnlHandle container, RtnlHandle host, PluginCall call, HostDeviceRecord? record)
    {
        var name = HostDeviceMove.Out(container, host, call.IfName, call.Log);
        if (name is not null) record?.Restore(host, name, call.Log);
        HostDeviceRecord.Delete(RecordPath(call));
    }

    private static string RecordPath(PluginCall call) => HostDeviceRecord.PathFor(HostDeviceRecord.DefaultDir, call.ContainerId, call.IfName);

    private static LinkInfo Moved(Func<LinkInfo> move)
    {
        try
        {
            return move();
        }
        catch (CniException e)
        {
            throw new CniException(e.Code, "failed to move link " + e.Message);
        }
    }
}
