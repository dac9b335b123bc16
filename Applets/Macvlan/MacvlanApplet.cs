using CniBox.Applets.Common;
using CniBox.Applets.Common.OneLink;
using CniBox.Ipam;
using CniBox.Netlink;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Macvlan;

/// <summary>
/// A macvlan on a master of the node (or, with linkInContainer, of the container), created straight in the
/// container's netns under a temporary name and renamed, as upstream 1.9.1. Without IPAM the link is only
/// brought up (L2). DEL needs no master, so a master that is gone (upstream #830) does not fail it.
/// </summary>
public sealed class MacvlanApplet(IIpamInvoker? ipam = null) : OneLinkPlugin<MacvlanConfig>(ipam)
{
    protected override string Kind => LinkMessages.MacvlanKind;

    protected override MacvlanConfig Parse(PluginCall call) => MacvlanConfig.Parse(call.StdinData, call.Args);

    protected override OneLinkAddressing Addressing(MacvlanConfig cfg) => cfg.IsLayer3 ? OneLinkAddressing.Ipam : OneLinkAddressing.LinkOnly;

    protected override OneLinkCreate Creation(RtnlHandle creator, LinkInfo master, MacvlanConfig cfg)
    {
        OneLinkMaster.CheckMtu(cfg.Mtu, master);
        var options = new MacvlanOptions("", master.Index, KnownMode(cfg.Mode, LinkMessages.MacvlanMode))
        {
            Mtu = cfg.Mtu, Mac = cfg.ValidatedMac(), BroadcastQueueLength = cfg.BroadcastQueueLength,
        };
        return (name, target) => creator.AddMacvlan(options with { Name = name }, target);
    }

    /// <summary>Upstream 1.9.1's replacement for 1.1.1's gratuitous ARP: the kernel announces the addresses itself.</summary>
    protected override void BeforeConfigure(RtnlHandle container, PluginCall call) =>
        Veth.TryWriteIn(container.Namespace, call.Log,
            (Sysctl.InterfaceKey("ipv4", call.IfName, "arp_notify"), "1"),
            (Sysctl.InterfaceKey("ipv6", call.IfName, "ndisc_notify"), "1"));

    protected override void CheckLink(LinkInfo link, ResultInterface iface, MacvlanConfig cfg)
    {
        var actual = (link.KindData as MacvlanData)?.Mode ?? "";
        var expected = KnownMode(cfg.Mode, LinkMessages.MacvlanMode);
        if (actual != expected)
            throw new CniException(ErrorCode.Internal, $"Container macvlan mode {actual} does not match expected value: {expected}");
    }
}
