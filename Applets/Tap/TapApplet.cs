using CniBox.Applets.Common;
using CniBox.Applets.Common.OneLink;
using CniBox.Ipam;
using CniBox.Netlink;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Netlink.Tun;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Tap;

/// <summary>
/// Upstream's tap: a persistent tap device in the container's netns, made with the tun ioctls (never by running
/// <c>ip tuntap</c> as Go does) under a temporary name, given its MAC, MTU and bridge, renamed to CNI_IFNAME and set
/// up; IPAM configures it when the config has one. A failure after creation deletes it and releases the address.
/// </summary>
public sealed class TapApplet(IIpamInvoker? ipam = null) : CniPlugin<TapConfig>
{
    private const string SelinuxEnforceFile = "/sys/fs/selinux/enforce";

    private readonly IIpamInvoker _ipam = ipam ?? AppletTable.IpamInvoker;

    protected override TapConfig Parse(PluginCall call) => TapConfig.Parse(call.StdinData, call.Args);

    protected override CniResult Add(PluginCall call, TapConfig cfg)
    {
        RequireNoSelinuxLabel(call, cfg);
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        var tap = Create(container, cfg, call);
        try
        {
            var result = new CniResult
            {
                Interfaces = [new ResultInterface { Name = tap.Name, Mac = tap.Mac, Sandbox = call.Netns }],
            };
            if (cfg.IpamType.Length == 0)
            {
                Try(() => container.SetLinkUp(tap.Index), $"failed to set \"{call.IfName}\" UP");
            }
            else
            {
                var ipamResult = _ipam.Add(call, cfg.IpamType);
                try
                {
                    if (ipamResult.Ips.Count == 0)
                        throw new CniException(ErrorCode.Internal, "IPAM plugin returned missing IP config");
                    result.Ips = ipamResult.Ips;
                    result.Routes = ipamResult.Routes;
                    foreach (var ipc in result.Ips) ipc.Interface = 0;
                    Veth.TryWriteIn(container.Namespace, call.Log, (Sysctl.InterfaceKey("ipv4", call.IfName, "arp_notify"), "1"));
                    IfaceConfigurator.Configure(container, tap, result);
                }
                catch
                {
                    Rollback.Run(call.Log, "IPAM DEL", () => _ipam.Del(call, cfg.IpamType));
                    throw;
                }
            }
            result.Dns = cfg.Config.Conf.Dns?.Copy() ?? new();
            result.CniVersion = call.CniVersion;
            return result;
        }
        catch
        {
            Rollback.Run(call.Log, $"delete {call.IfName}", () => container.DeleteLink(tap.Index));
            throw;
        }
    }

    protected override void Del(PluginCall call, TapConfig cfg)
    {
        if (cfg.IpamType.Length > 0) _ipam.Del(call, cfg.IpamType);
        if (ContainerLinkDelete.Run(call.Netns, call.IfName, teardown: null))
            call.Log.Debug("deleted {IfName}", call.IfName);
    }

    protected override void Check(PluginCall call, TapConfig cfg)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        if (cfg.IpamType.Length > 0) _ipam.Check(call, cfg.IpamType);
        var prev = ResultChecks.RequirePrevResult(cfg.Config.Conf, "");
        var cont = prev.Interfaces.FirstOrDefault(i => i.Name == call.IfName && i.Sandbox == call.Netns);
        if (cont is null)
            throw new CniException(ErrorCode.Internal, $"Sandbox in prevResult  doesn't match configured netns: {call.Netns}");
        var link = container.GetLink(call.IfName)
            ?? throw new CniException(ErrorCode.Internal, $"Container Interface name in prevResult: {call.IfName} not found");
        ResultChecks.Container(container, link, prev.Ips, prev.Routes);
    }

    protected override void Gc(PluginCall call, TapConfig cfg)
    {
        if (cfg.IpamType.Length > 0) _ipam.Gc(call, cfg.IpamType);
    }

    protected override void Status(PluginCall call, TapConfig cfg)
    {
        if (cfg.IpamType.Length > 0) _ipam.Status(call, cfg.IpamType);
    }

    /// <summary>The tap under a temporary name (a kernel bug may otherwise clash with a node name, Go says), configured, renamed.</summary>
    private static LinkInfo Create(RtnlHandle container, TapConfig cfg, PluginCall call)
    {
        if (container.GetLink(call.IfName) is not null)
            throw new CniException(ErrorCode.Internal, $"failed to rename tap to \"{call.IfName}\": file exists");
        var tmpName = OneLinkCreation.TemporaryName();
        try
        {
            TunDevice.CreatePersistentTap(container.Namespace, new TapOptions(tmpName)
            {
                MultiQueue = cfg.MultiQueue,
                Owner = cfg.Owner,
                Group = cfg.Group,
            });
        }
        catch (TunException e) when (e.KernelLacksTun)
        {
            call.Log.Warning("failed to create tap: {Message}", e.Message);
            throw new CniException(ErrorCode.Internal, "kernel has no tun support (CONFIG_TUN / modprobe tun)");
        }
        catch (TunException e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to create tap: {e.Message}");
        }
        var tap = container.GetLink(tmpName) ?? throw new CniException(ErrorCode.Internal, $"failed to refetch tap \"{tmpName}\"");
        try
        {
            if (cfg.Mtu != 0) Try(() => container.SetLinkMtu(tap.Index, cfg.Mtu), $"failed to set MTU {cfg.Mtu} on the tap");
            if (cfg.Mac.Length > 0) Try(() => container.SetLinkAddress(tap.Index, GoMac.TryParse(cfg.Mac)!), $"failed to set MAC {cfg.Mac} on the tap");
            if (cfg.Bridge.Length > 0) JoinBridge(container, tap, cfg.Bridge);
            Try(() => container.SetLinkName(tap.Index, call.IfName), $"failed to rename tap to \"{call.IfName}\"");
            return container.GetLink(call.IfName) ?? throw new CniException(ErrorCode.Internal, $"failed to refetch tap \"{call.IfName}\"");
        }
        catch
        {
            Rollback.Run(call.Log, $"delete {tmpName}", () => container.DeleteLink(tap.Index));
            throw;
        }
    }

    private static void JoinBridge(RtnlHandle container, LinkInfo tap, string bridge)
    {
        var br = container.GetLink(bridge) ?? throw new CniException(ErrorCode.Internal, $"failed to get bridge \"{bridge}\": link not found");
        if (br.Kind != "bridge")
            throw new CniException(ErrorCode.Internal, $"\"{bridge}\" is not a bridge (kind {br.Kind ?? "none"})");
        Try(() => container.SetLinkMaster(tap.Index, br.Index), $"failed to set tap master to \"{bridge}\"");
    }

    /// <summary>
    /// Go labels the <c>ip tuntap</c> it execs with selinuxContext. cnibox execs nothing, so without SELinux the key is
    /// a no-op (logged); with SELinux on, ADD refuses rather than create an unlabelled tap.
    /// </summary>
    private static void RequireNoSelinuxLabel(PluginCall call, TapConfig cfg)
    {
        if (cfg.SelinuxContext.Length == 0) return;
        if (!File.Exists(SelinuxEnforceFile))
        {
            call.Log.Warning("selinuxContext {Context} ignored: SELinux is not enabled on this node", cfg.SelinuxContext);
            return;
        }
        throw new CniException(ErrorCode.InvalidNetworkConfig,
            $"failed set socket label: selinuxContext \"{cfg.SelinuxContext}\" needs an exec'd labelled process, which cnibox does not use");
    }

    private static void Try(Action action, string what)
    {
        try
        {
            action();
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"{what}: {e.Message}");
        }
    }
}
