using CniBox.Applets.Common;
using CniBox.Applets.Common.OneLink;
using CniBox.Ipam;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Ipvlan;

/// <summary>
/// An ipvlan on a master, created straight in the container's netns under a temporary name and renamed, as
/// upstream 1.9.1. Chained without <c>ipam</c>, it takes the prevResult's IPs (and, without <c>master</c>, its single
/// interface as the master). The kernel must have CONFIG_IPVLAN; without it ADD says so and leaves nothing.
/// </summary>
public sealed class IpvlanApplet(IIpamInvoker? ipam = null) : CniPlugin<IpvlanConfig>
{
    private readonly IIpamInvoker _ipam = ipam ?? AppletTable.IpamInvoker;

    protected override IpvlanConfig Parse(PluginCall call) => IpvlanConfig.Parse(call.StdinData, call.Command);

    protected override CniResult Add(PluginCall call, IpvlanConfig cfg)
    {
        var addressing = cfg.IpamType.Length == 0 && cfg.PrevResult is { Ips.Count: > 0 } ? OneLinkAddressing.PrevResult : OneLinkAddressing.Ipam;
        if (addressing == OneLinkAddressing.Ipam && cfg.IpamType.Length == 0)
            throw new CniException(ErrorCode.InvalidNetworkConfig, "ipvlan needs an \"ipam\" object with a \"type\", or a prevResult with IPs when chained");
        var mode = KernelMode(cfg.Mode);
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        using var host = RtnlHandle.Open();
        var creator = cfg.LinkInContainer ? container : host;
        var master = OneLinkMaster.Resolve(creator, cfg.Master);
        var options = new IpvlanOptions("", master.Index, mode) { Mtu = cfg.Mtu };
        var link = OneLinkCreation.CreateRenamed(creator, container, "ipvlan", call.IfName,
            (name, target) => creator.AddIpvlan(options with { Name = name }, target), call.Log);
        var result = OneLinkAddresses.Apply(call, container, link, _ipam, cfg.IpamType, addressing, cfg.PrevResult);
        result.Dns = cfg.Config.DnsOverride() ?? new ResultDns();
        result.CniVersion = call.CniVersion;
        return result;
    }

    /// <summary>On a chained invocation the IPAM block can be empty: then there is nothing to release.</summary>
    protected override void Del(PluginCall call, IpvlanConfig cfg)
    {
        if (cfg.IpamType.Length > 0) _ipam.Del(call, cfg.IpamType);
        if (Veth.DeleteContainerLink(call.Netns, call.IfName))
            call.Log.Debug("deleted {IfName}", call.IfName);
    }

    protected override void Check(PluginCall call, IpvlanConfig cfg)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        if (cfg.IpamType.Length > 0) _ipam.Check(call, cfg.IpamType);
        var prev = ResultChecks.RequirePrevResult(cfg.Config.Conf, "");
        var iface = OneLinkCheck.FindInterface(prev, call);
        using var host = cfg.LinkInContainer ? null : RtnlHandle.Open();
        OneLinkMaster.Resolve(host ?? container, cfg.Master);
        var link = OneLinkCheck.Link(container, iface, LinkMessages.IpvlanKind);
        var actual = (link.KindData as IpvlanData)?.Mode ?? "";
        var expected = KernelMode(cfg.Mode);
        if (actual != expected)
            throw new CniException(ErrorCode.Internal, $"Container IPVlan mode {actual} does not match expected value: {expected}");
        ResultChecks.Container(container, link, prev.Ips, prev.Routes);
    }

    protected override void Status(PluginCall call, IpvlanConfig cfg)
    {
        if (cfg.IpamType.Length > 0) _ipam.Status(call, cfg.IpamType);
    }

    private static string KernelMode(string mode)
    {
        try
        {
            LinkMessages.IpvlanMode(mode);
            return mode;
        }
        catch (ArgumentException)
        {
            throw new CniException(ErrorCode.Internal, $"unknown ipvlan mode: \"{mode}\"");
        }
    }
}
