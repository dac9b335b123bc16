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
/// container's netns under a temporary name and renamed, as upstream 1.9.1. DEL needs no master, so a master
/// that is gone (upstream #830) does not fail it.
/// </summary>
public sealed class MacvlanApplet(IIpamInvoker? ipam = null) : CniPlugin<MacvlanConfig>
{
    private readonly IIpamInvoker _ipam = ipam ?? AppletTable.IpamInvoker;

    protected override MacvlanConfig Parse(PluginCall call) => MacvlanConfig.Parse(call.StdinData, call.Args);

    protected override CniResult Add(PluginCall call, MacvlanConfig cfg)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        using var host = RtnlHandle.Open();
        var creator = cfg.LinkInContainer ? container : host;
        var master = OneLinkMaster.Resolve(creator, cfg.Master);
        OneLinkMaster.CheckMtu(cfg.Mtu, master);
        var mode = KernelMode(cfg.Mode);
        var options = new MacvlanOptions("", master.Index, mode)
        {
            Mtu = cfg.Mtu, Mac = cfg.ValidatedMac(), BroadcastQueueLength = cfg.BroadcastQueueLength,
        };
        var link = OneLinkCreation.CreateRenamed(creator, container, "macvlan", call.IfName,
            (name, target) => creator.AddMacvlan(options with { Name = name }, target), call.Log);
        var result = OneLinkAddresses.Apply(call, container, link, _ipam, cfg.IpamType,
            cfg.IsLayer3 ? OneLinkAddressing.Ipam : OneLinkAddressing.LinkOnly,
            beforeConfigure: () => AnnounceAddressChanges(container, call));
        // Go sets the result's DNS from the config alone, dropping what IPAM said.
        result.Dns = cfg.Config.DnsOverride() ?? new ResultDns();
        result.CniVersion = call.CniVersion;
        return result;
    }

    protected override void Del(PluginCall call, MacvlanConfig cfg)
    {
        if (cfg.IsLayer3) _ipam.Del(call, cfg.IpamType);
        if (Veth.DeleteContainerLink(call.Netns, call.IfName))
            call.Log.Debug("deleted {IfName}", call.IfName);
    }

    protected override void Check(PluginCall call, MacvlanConfig cfg)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        if (cfg.IsLayer3) _ipam.Check(call, cfg.IpamType);
        var prev = ResultChecks.RequirePrevResult(cfg.Config.Conf, "");
        var iface = OneLinkCheck.FindInterface(prev, call);
        using var host = cfg.LinkInContainer ? null : RtnlHandle.Open();
        OneLinkMaster.Resolve(host ?? container, cfg.Master);
        var link = OneLinkCheck.Link(container, iface, LinkMessages.MacvlanKind);
        var actual = (link.KindData as MacvlanData)?.Mode ?? "";
        var expected = KernelMode(cfg.Mode);
        if (actual != expected)
            throw new CniException(ErrorCode.Internal, $"Container macvlan mode {actual} does not match expected value: {expected}");
        ResultChecks.Container(container, link, prev.Ips, prev.Routes);
    }

    protected override void Status(PluginCall call, MacvlanConfig cfg)
    {
        if (cfg.IsLayer3) _ipam.Status(call, cfg.IpamType);
    }

    /// <summary>The mode keyword, refused with Go's text when the kernel has no such macvlan mode.</summary>
    private static string KernelMode(string mode)
    {
        try
        {
            LinkMessages.MacvlanMode(mode);
            return mode;
        }
        catch (ArgumentException)
        {
            throw new CniException(ErrorCode.Internal, $"unknown macvlan mode: \"{mode}\"");
        }
    }

    /// <summary>Upstream 1.9.1's replacement for 1.1.1's gratuitous ARP: the kernel announces the addresses itself.</summary>
    private static void AnnounceAddressChanges(RtnlHandle container, PluginCall call) =>
        Veth.TryWriteIn(container.Namespace, call.Log,
            (Sysctl.InterfaceKey("ipv4", call.IfName, "arp_notify"), "1"),
            (Sysctl.InterfaceKey("ipv6", call.IfName, "ndisc_notify"), "1"));
}
