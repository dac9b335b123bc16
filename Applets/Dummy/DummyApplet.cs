using CniBox.Applets.Common;
using CniBox.Applets.Common.OneLink;
using CniBox.Ipam;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Dummy;

/// <summary>
/// A dummy link named CNI_IFNAME in the container's netns with IPAM's addresses, as upstream 1.9.1 (IPAM is
/// required; the result keeps IPAM's DNS). The kernel must have CONFIG_DUMMY; without it ADD says so and leaves nothing.
/// </summary>
public sealed class DummyApplet(IIpamInvoker? ipam = null) : CniPlugin<PluginConfig>
{
    private const string NeedsIpam = "dummy interface requires an IPAM configuration";

    private readonly IIpamInvoker _ipam = ipam ?? AppletTable.IpamInvoker;

    protected override PluginConfig Parse(PluginCall call) =>
        PluginConfig.Parse(call.StdinData, c => c, ErrorCode.DecodingFailure, "failed to parse network config: ");

    protected override CniResult Add(PluginCall call, PluginConfig cfg)
    {
        if (cfg.IpamType.Length == 0) throw new CniException(ErrorCode.Internal, NeedsIpam);
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        using var host = RtnlHandle.Open();
        var link = OneLinkCreation.CreateNamed(host, container, "dummy", call.IfName,
            (name, target) => host.AddDummy(name, target));
        var result = OneLinkAddresses.Apply(call, container, link, _ipam, cfg.IpamType, OneLinkAddressing.Ipam);
        result.CniVersion = call.CniVersion;
        return result;
    }

    protected override void Del(PluginCall call, PluginConfig cfg)
    {
        if (cfg.IpamType.Length > 0) _ipam.Del(call, cfg.IpamType);
        if (ContainerLinkDelete.Run(call.Netns, call.IfName, teardown: null))
            call.Log.Debug("deleted {IfName}", call.IfName);
    }

    protected override void Check(PluginCall call, PluginConfig cfg)
    {
        if (cfg.IpamType.Length == 0) throw new CniException(ErrorCode.Internal, NeedsIpam);
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        _ipam.Check(call, cfg.IpamType);
        var prev = ResultChecks.RequirePrevResult(cfg.Conf, "dummy: ");
        var iface = OneLinkCheck.FindInterface(prev, call);
        var link = OneLinkCheck.Link(container, iface, LinkMessages.DummyKind);
        if (!link.IsUp)
            throw new CniException(ErrorCode.Internal, $"Interface {iface.Name} is down");
        ResultChecks.Container(container, link, prev.Ips, []);
    }

    protected override void Status(PluginCall call, PluginConfig cfg)
    {
        if (cfg.IpamType.Length == 0) throw new CniException(ErrorCode.Internal, NeedsIpam);
        _ipam.Status(call, cfg.IpamType);
    }
}
