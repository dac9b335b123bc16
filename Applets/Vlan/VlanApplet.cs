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
public sealed class VlanApplet(IIpamInvoker? ipam = null) : OneLinkPlugin<VlanConfig>(ipam)
{
    protected override string Kind => LinkMessages.VlanKind;

    protected override string CheckPrefix => "vlan: ";

    protected override VlanConfig Parse(PluginCall call) => VlanConfig.Parse(call.StdinData);

    protected override OneLinkAddressing Addressing(VlanConfig cfg) => cfg.IpamType.Length > 0 ? OneLinkAddressing.Ipam
        : throw new CniException(ErrorCode.InvalidNetworkConfig, "failed to execute IPAM delegate: vlan requires an \"ipam\" object with a \"type\"");

    protected override OneLinkCreate Creation(RtnlHandle creator, LinkInfo master, VlanConfig cfg)
    {
        OneLinkMaster.CheckMtu(cfg.Mtu, master);
        var options = new VlanOptions("", master.Index, cfg.VlanId) { Mtu = cfg.Mtu };
        return (name, target) => creator.AddVlan(options with { Name = name }, target);
    }

    protected override void CheckMaster(LinkInfo master, VlanConfig cfg) => OneLinkMaster.CheckMtu(cfg.Mtu, master);

    protected override void CheckLink(LinkInfo link, ResultInterface iface, VlanConfig cfg)
    {
        var actual = (link.KindData as VlanData)?.VlanId;
        if (actual != cfg.VlanId)
            throw new CniException(ErrorCode.Internal, $"Error: vlan link {iface.Name} configured vlanId is {cfg.VlanId}, current value is {actual}");
        if (cfg.Mtu != 0 && cfg.Mtu != link.Mtu)
            throw new CniException(ErrorCode.Internal, $"Error: configured MTU of {iface.Name} is {cfg.Mtu}, current value is {link.Mtu}");
    }
}
