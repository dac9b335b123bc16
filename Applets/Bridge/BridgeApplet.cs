using CniBox.Applets.Common;
using CniBox.Ipam;
using CniBox.Netlink;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Bridge;

/// <summary>
/// Go's bridge plugin: a veth whose host end is a port of a Linux bridge, optional gateway addresses on the
/// bridge, IPAM for the container end. Differences on purpose: bad input is refused before anything is
/// created, and a failure after the veth exists removes it and releases the IP (the Go plugin leaks the veth).
/// </summary>
public sealed partial class BridgeApplet(IIpamInvoker? ipam = null) : CniPlugin<BridgeConfig>
{
    /// <summary>The Go plugin polls 0/50/500/1000/1000 ms (2.55 s in all) for the host port to be oper-up.</summary>
    public static readonly TimeSpan PortUpTimeout = TimeSpan.FromMilliseconds(2550);

    private readonly IIpamInvoker _ipam = ipam ?? AppletTable.IpamInvoker;

    protected override BridgeConfig Parse(PluginCall call) => BridgeConfig.Parse(call.StdinData, call.Args);

    protected override CniResult Add(PluginCall call, BridgeConfig cfg)
    {
        // Only Go's cmdAdd checks these: DEL, CHECK, GC and STATUS of such a config still run.
        cfg.ValidateForAdd();
        // Go creates the bridge before IPAM reads its config; a bad ipam section must not leave a bridge behind.
        if (cfg.IsLayer3) _ipam.Validate(call, cfg.IpamType);
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        using var host = RtnlHandle.Open();
        Veth.RequireFreeName(container, call.IfName);

        var br = BridgeHost.Ensure(host, cfg, call.Log);
        var veth = Veth.Setup(container, host, new VethOptions(call.IfName) { Mtu = cfg.Mtu, Mac = cfg.Mac }, call.Log);
        var ipamDone = false;
        try
        {
            BridgeHost.AttachPort(host, br, veth.Host, BridgePortOptions.For(cfg));
            if (cfg.MacSpoofCheck)
                BridgeFirewall.SetupSpoofCheck(veth.Host.Name, veth.Container.Mac, call);
            var brIface = new ResultInterface { Name = br.Name, Mac = br.Mac };
            var hostIface = new ResultInterface { Name = veth.Host.Name, Mac = veth.Host.Mac };
            var result = new CniResult
            {
                CniVersion = call.CniVersion,
                Interfaces = [brIface, hostIface, new ResultInterface { Name = veth.Container.Name, Mac = veth.Container.Mac, Sandbox = call.Netns }],
            };
            if (cfg.IsLayer3)
            {
                var ipamResult = _ipam.Add(call, cfg.IpamType);
                ipamDone = true;
                result.Ips = ipamResult.Ips;
                result.Routes = ipamResult.Routes;
                result.Dns = ipamResult.Dns;
                ConfigureLayer3(call, cfg, container, host, br, veth, result);
                if (cfg.IpMasq.Enabled)
                    IpMasquerade.Setup(cfg.IpMasq, result.Ips, cfg.Config.NetworkName, call.IfName, call.ContainerId);
            }
            else if (!cfg.DisableContainerInterface)
            {
                container.SetLinkUp(veth.Container.Index);
            }
            var hostLink = cfg.DisableContainerInterface ? host.GetLink(veth.Host.Index) : WaitForPortUp(host, veth.Host);
            hostIface.Mac = hostLink?.Mac ?? hostIface.Mac;
            // The bridge's MAC may have changed when the port joined or the gateway address was set.
            brIface.Mac = host.GetLink(br.Index)?.Mac ?? brIface.Mac;
            if (cfg.Config.DnsOverride() is { } dns) result.Dns = dns;
            return result;
        }
        catch
        {
            // IPAM first, while the veth exists: dhcp's DHCPRELEASE leaves through it.
            if (ipamDone) Rollback.Run(call.Log, "IPAM DEL", () => _ipam.Del(call, cfg.IpamType));
            Rollback.Run(call.Log, $"delete {call.IfName}", () => container.DeleteLink(veth.Container.Index));
            Rollback.Run(call.Log, "firewall teardown", () => BridgeFirewall.Teardown(cfg, call));
            throw;
        }
    }

    protected override void Del(PluginCall call, BridgeConfig cfg)
    {
        // IPAM first: dhcp's DHCPRELEASE leaves through the container link, which must still exist (Go #791).
        if (cfg.IsLayer3) _ipam.Del(call, cfg.IpamType);
        // Empty or vanished netns: nothing to delete in it, but the IP was still released. The teardown needs neither
        // the netns nor the addresses, so it also runs when CNI_NETNS is empty (Go leaks here, #810).
        if (ContainerLinkDelete.Run(call.Netns, call.IfName, BridgeFirewall.HasTeardown(cfg) ? () => BridgeFirewall.Teardown(cfg, call) : null))
            call.Log.Debug("deleted {IfName}", call.IfName);
    }

    protected override void Gc(PluginCall call, BridgeConfig cfg)
    {
        if (cfg.IsLayer3) _ipam.Gc(call, cfg.IpamType);
        if (cfg.IpMasq.Enabled) IpMasquerade.Gc(cfg.Config.NetworkName, call.StdinData);
    }

    protected override void Status(PluginCall call, BridgeConfig cfg)
    {
        if (cfg.IsLayer3) _ipam.Status(call, cfg.IpamType);
    }

    /// <summary>
    /// Gateways and default routes (calcGateways), the container's sysctls and addresses (ConfigureIface), then
    /// the gateway addresses on the bridge (or on its <c>&lt;br&gt;.&lt;vlan&gt;</c> veth) and forwarding.
    /// </summary>
    private static void ConfigureLayer3(PluginCall call, BridgeConfig cfg, RtnlHandle container, RtnlHandle host,
        LinkInfo br, VethEnds veth, CniResult result)
    {
        if (result.Ips.Count == 0)
            throw new CniException(ErrorCode.Internal, "IPAM plugin returned missing IP config");
        var gateways = Gateways.Compute(result, cfg);
        var ifName = veth.Container.Name;
        var dad = cfg.EnableDad
            ? new[] { (Sysctl.InterfaceKey("ipv6", ifName, "enhanced_dad"), "1"), (Sysctl.InterfaceKey("ipv6", ifName, "accept_dad"), "1") }
            : [(Sysctl.InterfaceKey("ipv6", ifName, "accept_dad"), "0")];
        Veth.TryWriteIn(container.Namespace, call.Log, [.. dad, (Sysctl.InterfaceKey("ipv4", ifName, "arp_notify"), "1")]);
        IfaceConfigurator.Configure(container, veth.Container, result);
        if (!cfg.ActsAsGateway) return;

        LinkInfo? vlanIface = null;
        foreach (var gw in gateways)
        {
            if (cfg.Vlan != 0)
            {
                if (vlanIface is null)
                {
                    vlanIface = BridgeHost.EnsureVlanInterface(host, br, cfg, call.Log);
                    result.Interfaces.Add(new ResultInterface { Name = vlanIface.Name, Mac = vlanIface.Mac });
                }
                Wrap("failed to set vlan interface for bridge with addr", () => BridgeHost.EnsureAddress(host, vlanIface, gw, cfg.ForceAddress));
            }
            else
            {
                Wrap("failed to set bridge addr", () => BridgeHost.EnsureAddress(host, br, gw, cfg.ForceAddress));
            }
        }
        try
        {
            Forwarding.Enable(gateways.Any(g => g.Address.IsV4), gateways.Any(g => !g.Address.IsV4));
        }
        catch (CniException e)
        {
            throw new CniException(e.Code, "failed to enable forwarding: " + e.Msg);
        }
    }

    private static LinkInfo WaitForPortUp(RtnlHandle host, LinkInfo port)
    {
        try
        {
            return host.WaitForOperUp(port.Index, PortUpTimeout);
        }
        catch (TimeoutException)
        {
            var state = host.GetLink(port.Index) is { } link ? $"operstate {(byte)link.OperState}" : "gone";
            throw new CniException(ErrorCode.Internal, $"bridge port in error state: {state}");
        }
    }

    private static void Wrap(string prefix, Action action)
    {
        try
        {
            action();
        }
        catch (CniException e)
        {
            throw new CniException(e.Code, $"{prefix}: {e.Msg}");
        }
    }
}
