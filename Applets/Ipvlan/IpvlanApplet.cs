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
public sealed class IpvlanApplet(IIpamInvoker? ipam = null) : OneLinkPlugin<IpvlanConfig>(ipam)
{
    protected override string Kind => LinkMessages.IpvlanKind;

    protected override IpvlanConfig Parse(PluginCall call) => IpvlanConfig.Parse(call.StdinData, call.Command);

    protected override OneLinkAddressing Addressing(IpvlanConfig cfg)
    {
        var addressing = cfg.IpamType.Length == 0 && cfg.PrevResult is { Ips.Count: > 0 } ? OneLinkAddressing.PrevResult : OneLinkAddressing.Ipam;
        if (addressing == OneLinkAddressing.Ipam && cfg.IpamType.Length == 0)
            throw new CniException(ErrorCode.InvalidNetworkConfig, "ipvlan needs an \"ipam\" object with a \"type\", or a prevResult with IPs when chained");
        KnownMode(cfg.Mode, LinkMessages.IpvlanMode);
        return addressing;
    }

    protected override CniResult? ChainedResult(IpvlanConfig cfg) => cfg.PrevResult;

    protected override OneLinkCreate Creation(RtnlHandle creator, LinkInfo master, IpvlanConfig cfg)
    {
        var options = new IpvlanOptions("", master.Index, cfg.Mode) { Mtu = cfg.Mtu };
        return (name, target) => creator.AddIpvlan(options with { Name = name }, target);
    }

    protected override void CheckLink(LinkInfo link, ResultInterface iface, IpvlanConfig cfg)
    {
        var actual = (link.KindData as IpvlanData)?.Mode ?? "";
        var expected = KnownMode(cfg.Mode, LinkMessages.IpvlanMode);
        if (actual != expected)
            throw new CniException(ErrorCode.Internal, $"Container IPVlan mode {actual} does not match expected value: {expected}");
    }
}
