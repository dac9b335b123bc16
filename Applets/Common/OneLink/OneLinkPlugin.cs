using CniBox.Ipam;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Common.OneLink;

/// <summary>What <see cref="OneLinkPlugin{TConfig}"/> reads of a config: the plugin's keys common to macvlan, ipvlan and vlan.</summary>
public interface IOneLinkConfig
{
    PluginConfig Config { get; }

    /// <summary>The master's name; "" means the default-route interface.</summary>
    string Master { get; }

    /// <summary>The master is in the container's netns (and the link is created from there).</summary>
    bool LinkInContainer { get; }
}

/// <summary>
/// The verbs of a main plugin that creates one link on a master (macvlan, ipvlan, vlan), as upstream 1.9.1 runs
/// them: ADD resolves the master in the netns that holds it, creates the link straight in the container under a
/// temporary name and renames it (<see cref="OneLinkCreation"/>), then gives it its addresses
/// (<see cref="OneLinkAddresses"/>); the result's DNS is the config's alone. DEL releases IPAM, then deletes
/// CNI_IFNAME, and needs neither the master nor the netns. CHECK follows Go's validateCniContainerInterface.
/// The kinds say what differs through the hooks below, each called where the plugin checked it before.
/// </summary>
public abstract class OneLinkPlugin<TConfig>(IIpamInvoker? ipam) : CniPlugin<TConfig> where TConfig : IOneLinkConfig
{
    protected IIpamInvoker Ipam { get; } = ipam ?? AppletTable.IpamInvoker;

    /// <summary>The link kind, as the kernel names it and as the error texts say it.</summary>
    protected abstract string Kind { get; }

    /// <summary>The prefix Go's CHECK puts before some of its texts ("vlan: "), "" where it puts none.</summary>
    protected virtual string CheckPrefix => "";

    /// <summary>ADD's refusals of the config, before any netns is opened; where the link's addresses come from.</summary>
    protected abstract OneLinkAddressing Addressing(TConfig cfg);

    /// <summary>The prevResult whose IPs the link takes with <see cref="OneLinkAddressing.PrevResult"/>.</summary>
    protected virtual CniResult? ChainedResult(TConfig cfg) => null;

    /// <summary>
    /// ADD's checks against the resolved master, then the request that creates the link on it from
    /// <paramref name="creator"/> (the netns that holds the master).
    /// </summary>
    protected abstract OneLinkCreate Creation(RtnlHandle creator, LinkInfo master, TConfig cfg);

    /// <summary>Runs once the addresses are known, before they are put on the link.</summary>
    protected virtual void BeforeConfigure(RtnlHandle container, PluginCall call) { }

    /// <summary>CHECK's checks against the resolved master, before the container's link is looked at.</summary>
    protected virtual void CheckMaster(LinkInfo master, TConfig cfg) { }

    /// <summary>CHECK of what is the kind's own, once the link is found with the result's kind and MAC.</summary>
    protected abstract void CheckLink(LinkInfo link, ResultInterface iface, TConfig cfg);

    /// <summary>
    /// <paramref name="mode"/> as given, refused with Go's <c>unknown KIND mode: "M"</c> where
    /// <paramref name="kernelValue"/> (the request's encoding of it) knows no such mode.
    /// </summary>
    protected string KnownMode<TValue>(string mode, Func<string, TValue> kernelValue)
    {
        try
        {
            kernelValue(mode);
            return mode;
        }
        catch (ArgumentException)
        {
            throw new CniException(ErrorCode.Internal, $"unknown {Kind} mode: \"{mode}\"");
        }
    }

    protected sealed override CniResult Add(PluginCall call, TConfig cfg)
    {
        var addressing = Addressing(cfg);
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        using var host = cfg.LinkInContainer ? null : RtnlHandle.Open();
        var creator = host ?? container;
        var master = OneLinkMaster.Resolve(creator, cfg.Master);
        var link = OneLinkCreation.CreateRenamed(creator, container, Kind, call.IfName, Creation(creator, master, cfg), call.Log);
        var result = OneLinkAddresses.Apply(call, container, link, Ipam, cfg.Config.IpamType, addressing, ChainedResult(cfg),
            () => BeforeConfigure(container, call));
        // Go sets the result's DNS from the config alone, dropping what IPAM said.
        result.Dns = cfg.Config.DnsOverride() ?? new ResultDns();
        result.CniVersion = call.CniVersion;
        return result;
    }

    /// <summary>On a chained or L2-only invocation the IPAM block can be empty: then there is nothing to release.</summary>
    protected sealed override void Del(PluginCall call, TConfig cfg)
    {
        if (cfg.Config.IpamType.Length > 0) Ipam.Del(call, cfg.Config.IpamType);
        if (ContainerLinkDelete.Run(call.Netns, call.IfName, teardown: null))
            call.Log.Debug("deleted {IfName}", call.IfName);
    }

    protected sealed override void Check(PluginCall call, TConfig cfg)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        if (cfg.Config.IpamType.Length > 0) Ipam.Check(call, cfg.Config.IpamType);
        var prev = ResultChecks.RequirePrevResult(cfg.Config.Conf, CheckPrefix);
        var iface = OneLinkCheck.FindInterface(prev, call);
        using var host = cfg.LinkInContainer ? null : RtnlHandle.Open();
        CheckMaster(OneLinkMaster.Resolve(host ?? container, cfg.Master), cfg);
        var link = OneLinkCheck.Link(container, iface, Kind, CheckPrefix);
        CheckLink(link, iface, cfg);
        ResultChecks.Container(container, link, prev.Ips, prev.Routes);
    }

    protected sealed override void Status(PluginCall call, TConfig cfg)
    {
        if (cfg.Config.IpamType.Length > 0) Ipam.Status(call, cfg.Config.IpamType);
    }
}
