using CniBox.Applets.Common;
using CniBox.Applets.Common.OneLink;
using CniBox.Ipam;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Vlan;

/// <summary>
/// An 802.1Q vlan on a master, created straight in the container's netns under a temporary name and renamed, as
/// upstream 1.9.1. Unlike Go (which leaves the link when IPAM fails), a failed ADD leaves nothing. The kernel must
/// have CONFIG_VLAN_8021Q; without it ADD says so.
/// </summary>
public sealed class VlanApplet(IIpamInvoker? ipam = null) : CniPlugin<VlanConfig>
{
    private readonly IIpamInvoker _ipam = ipam ?? AppletTable.IpamInvoker;

    protected override VlanConfig Parse(PluginCall call) => VlanConfig.Parse(call.StdinData);

    protected override CniResult Add(PluginCall call, VlanConfig cfg)
    {
        if (cfg.IpamType.Length == 0)
            throw new CniException(ErrorCode.InvalidNetworkConfig, "failed to execute IPAM delegate: vlan requires an \"ipam\" object with a \"type\"");
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        using var host = RtnlHandle.Open();
        var creator = cfg.LinkInContainer ? container : host;
        var master = OneLinkMaster.Resolve(creator, cfg.Master);
        OneLinkMaster.CheckMtu(cfg.Mtu, master);
        var options = new VlanOptions("", master.Index, cfg.VlanId) { Mtu = cfg.Mtu };
        var link = OneLinkCreation.CreateRenamed(creator, container, "vlan", call.IfName,
            (name, target) => creator.AddVlan(options with { Name = name }, target), call.Log);
        var result = OneLinkAddresses.Apply(call, container, link, _ipam, cfg.IpamType, OneLinkAddressing.Ipam);
        result.Dns = cfg.Config.DnsOverride() ?? new ResultDns();
        result.CniVersion = call.CniVersion;
        return result;
    }

    protected override void Del(PluginCall call, VlanConfig cfg)
    {
        if (cfg.IpamType.Length > 0) _ipam.Del(call, cfg.IpamType);
        if (Veth.DeleteContainerLink(call.Netns, call.IfName))
            call.Log.Debug("deleted {IfName}", call.IfName);
    }

    protected override void Check(PluginCall call, VlanConfig cfg)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        if (cfg.IpamType.Length > 0) _ipam.Check(call, cfg.IpamType);
        var prev = ResultChecks.RequirePrevResult(cfg.Config.Conf, "vlan: ");
        var iface = OneLinkCheck.FindInterface(prev, call);
        using var host = cfg.LinkInContainer ? null : RtnlHandle.Open();
        OneLinkMaster.CheckMtu(cfg.Mtu, OneLinkMaster.Resolve(host ?? container, cfg.Master));
        var link = OneLinkCheck.Link(container, iface, LinkMessages.VlanKind, "vlan: ");
        var actual = (link.KindData as VlanData)?.VlanId;
        if (actual != cfg.VlanId)
            throw new CniException(ErrorCode.Internal, $"Error: vlan link {iface.Name} configured vlanId is {cfg.VlanId}, current value is {actual}");
        if (cfg.Mtu != 0 && cfg.Mtu != link.Mtu)
            throw new CniException(ErrorCode.Internal, $"Error: configured MTU of {iface.Name} is {cfg.Mtu}, current value is {link.Mtu}");
        ResultChecks.Container(container, link, prev.Ips, prev.Routes);
    }

    protected override void Status(PluginCall call, VlanConfig cfg)
    {
        if (cfg.IpamType.Length > 0) _ipam.Status(call, cfg.IpamType);
    }
}
