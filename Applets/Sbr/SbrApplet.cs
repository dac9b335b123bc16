using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Sbr;

/// <summary>
/// Go's sbr (chained): source-based routing for CNI_IFNAME's addresses in the prevResult, under an flock of the
/// netns file. DEL works from the kernel (the link's addresses), not from the prevResult; CHECK checks nothing, as Go.
/// </summary>
public sealed class SbrApplet : ChainedPlugin<SbrConfig>
{
    protected override string MissingOnAdd => "This plugin must be called as chained plugin";

    protected override SbrConfig Parse(PluginCall call) => SbrConfig.Parse(call.StdinData);

    protected override void Add(PluginCall call, SbrConfig cfg, CniResult prevResult)
    {
        var sources = Sources(prevResult, call.IfName);
        using var ns = ContainerNetns.Open(call.Netns);
        using var held = NetnsFileLock.Take(ns);
        using var rtnl = RtnlHandle.Open(ns);
        var link = rtnl.GetLink(call.IfName)
            ?? throw new CniException(ErrorCode.Internal, $"Cannot find network interface {call.IfName}: Link not found");
        SbrRouting.Add(rtnl, link, sources, cfg, call.Log);
    }

    protected override void Del(PluginCall call, SbrConfig cfg, CniResult? prevResult)
    {
        if (call.Netns.Length == 0) return;
        using var rtnl = ContainerNetns.TryOpenRtnl(call.Netns);
        if (rtnl is null) return;
        using var held = NetnsFileLock.Take(rtnl.Namespace);
        if (rtnl.GetLink(call.IfName) is not { } link)
        {
            call.Log.Debug("no {IfName}: its rules went with it", call.IfName);
            return;
        }
        SbrRouting.Remove(rtnl, link, cfg.Table, call.Log);
    }

    protected override void Check(PluginCall call, SbrConfig config)
    {
    }

    protected override void Check(PluginCall call, SbrConfig config, CniResult prevResult)
    {
    }

    /// <summary>Go's getIPCfgs: the IPs without an interface index, or whose index names CNI_IFNAME (or lies outside the list).</summary>
    private static List<SourceAddress> Sources(CniResult prev, string ifName)
    {
        if (prev.Ips.Count == 0)
            throw new CniException(ErrorCode.Internal, $"No IP addresses supplied on interface: {ifName}");
        var list = new List<SourceAddress>();
        foreach (var ipc in prev.Ips)
        {
            if (ipc.Interface is { } i && i >= 0 && i < prev.Interfaces.Count && prev.Interfaces[i].Name != ifName) continue;
            var address = Addresses.ParseCidr(ipc.Address, "IP address");
            list.Add(new SourceAddress(address.Address.ToIp(), address.ToPrefix(), Addresses.ParseIp(ipc.Gateway, "gateway")?.ToIp()));
        }
        return list;
    }
}
