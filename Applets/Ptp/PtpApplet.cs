using System.Net;
using System.Net.Sockets;
using CniBox.Applets.Common;
using CniBox.Ipam;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Links;
using CniBox.Netlink.Routes;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;
using static CniBox.Netlink.Constants.Errno;

namespace CniBox.Applets.Ptp;

/// <summary>
/// A veth whose container end routes everything through the host end, as Go's ptp: the container's subnet
/// route is replaced by "gw/32 scope link" plus "subnet via gw"; the host end carries the gateway as a /32
/// and a host route to the container IP. Unlike the Go plugin, a failure after IPAM removes the veth too.
/// </summary>
public sealed class PtpApplet(IIpamInvoker? ipam = null) : CniPlugin<PtpConfig>
{
    private readonly IIpamInvoker _ipam = ipam ?? AppletTable.IpamInvoker;

    /// <summary>Every verb needs the IPAM type, so a config without one fails them all.</summary>
    protected override PtpConfig Parse(PluginCall call)
    {
        var cfg = PtpConfig.Parse(call.StdinData);
        cfg.RequireIpam();
        return cfg;
    }

    protected override CniResult Add(PluginCall call, PtpConfig cfg)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        using var host = RtnlHandle.Open();
        Veth.RequireFreeName(container, call.IfName);

        var result = _ipam.Add(call, cfg.IpamType);
        VethEnds? veth = null;
        try
        {
            var ips = PtpAddresses(result);
            Forwarding.Enable(ips.Any(a => a.IsV4), ips.Any(a => !a.IsV4));
            veth = Veth.Setup(container, host, new VethOptions(call.IfName) { Mtu = cfg.Mtu }, call.Log);
            foreach (var ipc in result.Ips) ipc.Interface = 1;
            result.Interfaces =
            [
                new ResultInterface { Name = veth.Host.Name, Mac = veth.Host.Mac },
                new ResultInterface { Name = veth.Container.Name, Mac = veth.Container.Mac, Sandbox = call.Netns },
            ];
            IfaceConfigurator.Configure(container, veth.Container, result);
            foreach (var a in ips) RouteContainerViaGateway(container, veth.Container.Index, a);
            foreach (var a in ips) RouteHostToContainer(host, veth.Host, a);
            if (cfg.IpMasq.Enabled)
                IpMasquerade.Setup(cfg.IpMasq, result.Ips, cfg.Config.NetworkName, call.IfName, call.ContainerId);
            if (cfg.Config.DnsOverride() is { } dns) result.Dns = dns;
            result.CniVersion = call.CniVersion;
            return result;
        }
        catch
        {
            if (veth is not null)
                Rollback.Run(call.Log, $"delete {call.IfName}", () => container.DeleteLink(veth.Container.Index));
            Rollback.Run(call.Log, "IPAM DEL", () => _ipam.Del(call, cfg.IpamType));
            if (cfg.IpMasq.Enabled)
                Rollback.Run(call.Log, "masquerade teardown", () => IpMasquerade.Teardown(cfg.Config.NetworkName, call.IfName, call.ContainerId));
            throw;
        }
    }

    protected override void Del(PluginCall call, PtpConfig cfg)
    {
        // The Go plugin's order: release the IP first, so a broken netns never keeps it allocated.
        _ipam.Del(call, cfg.IpamType);
        // Go tears down only when it found addresses on the link; ours needs none, so an empty netns is covered too.
        if (ContainerLinkDelete.Run(call.Netns, call.IfName,
                cfg.IpMasq.Enabled ? () => IpMasquerade.Teardown(cfg.Config.NetworkName, call.IfName, call.ContainerId) : null))
            call.Log.Debug("deleted {IfName}", call.IfName);
    }

    protected override void Check(PluginCall call, PtpConfig cfg)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        _ipam.Check(call, cfg.IpamType);
        var prev = ResultChecks.RequirePrevResult(cfg.Config.Conf, "ptp: ");
        var cont = prev.Interfaces.FirstOrDefault(i => i.Name == call.IfName && i.Sandbox == call.Netns);
        if (cont is null)
            throw new CniException(ErrorCode.Internal, $"Sandbox in prevResult  doesn't match configured netns: {call.Netns}");
        var link = container.GetLink(cont.Name!)
            ?? throw new CniException(ErrorCode.Internal, $"ptp: Container Interface name in prevResult: {cont.Name} not found");
        if (link.Kind != "veth")
            throw new CniException(ErrorCode.Internal, $"Error: Container interface {link.Name} not of type veth/p2p");
        if (!string.IsNullOrEmpty(cont.Mac) && cont.Mac != link.Mac)
            throw new CniException(ErrorCode.Internal, $"ptp: Interface {cont.Name} Mac {cont.Mac} doesn't match container Mac: {link.Mac}");
        ResultChecks.Container(container, link, prev.Ips, prev.Routes);
    }

    protected override void Gc(PluginCall call, PtpConfig cfg)
    {
        _ipam.Gc(call, cfg.IpamType);
        if (cfg.IpMasq.Enabled) IpMasquerade.Gc(cfg.Config.NetworkName, call.StdinData);
    }

    protected override void Status(PluginCall call, PtpConfig cfg)
    {
        _ipam.Status(call, cfg.IpamType);
    }

    /// <summary>
    /// One IPAM address with its subnet and gateway, in the System.Net types the netlink ops take.
    /// </summary>
    private sealed record PtpAddress(IPAddress Ip, IPNetwork Subnet, IPAddress Gateway)
    {
        public bool IsV4 => Ip.AddressFamily == AddressFamily.InterNetwork;
        public int HostBits => IsV4 ? 32 : 128;
        public AddressFamily Family => Ip.AddressFamily;
    }

    /// <summary>Every IPAM address with its gateway: ptp routes all traffic through it, so a missing one is an error.</summary>
    private static List<PtpAddress> PtpAddresses(CniResult result)
    {
        if (result.Ips.Count == 0)
            throw new CniException(ErrorCode.Internal, "IPAM plugin returned missing IP config");
        var list = new List<PtpAddress>(result.Ips.Count);
        foreach (var ipc in result.Ips)
        {
            var ip = Addresses.ParseCidr(ipc.Address, "IP address");
            var gw = Addresses.ParseIp(ipc.Gateway, "gateway")
                ?? throw new CniException(ErrorCode.Internal, $"ptp needs a gateway for {ipc.Address}, and IPAM returned none");
            list.Add(new PtpAddress(ip.Address.ToIp(), ip.ToPrefix(), gw.ToIp()));
        }
        return list;
    }

    /// <summary>Replaces the kernel's subnet route by "gw/32 dev X scope link src ip" and "subnet via gw dev X src ip".</summary>
    private static void RouteContainerViaGateway(RtnlHandle container, int index, PtpAddress a)
    {
        var subnet = a.Subnet;
        var kernelRoute = new RouteSpec { Family = a.Family, Destination = subnet, OutIndex = index };
        Try(() => container.DeleteRoute(kernelRoute), $"failed to delete route {subnet} dev #{index}");
        var src = a.Ip;
        var gwRoute = new RouteSpec
        {
            Family = a.Family,
            Destination = new IPNetwork(a.Gateway, a.HostBits),
            OutIndex = index,
            Scope = 253,
            Source = src,
        };
        Try(() => container.AddRoute(gwRoute), $"failed to add route {gwRoute}");
        var viaGw = new RouteSpec
        {
            Family = a.Family,
            Destination = subnet,
            Gateway = a.Gateway,
            OutIndex = index,
            Scope = 0,
            Source = src,
        };
        Try(() => container.AddRoute(viaGw), $"failed to add route {viaGw}");
    }

    /// <summary>The gateway as a /32 (/128) on the host end and "ip/32 dev hostveth scope host" (EEXIST is fine).</summary>
    private static void RouteHostToContainer(RtnlHandle host, LinkInfo hostVeth, PtpAddress a)
    {
        Try(() => host.AddAddress(new AddrSpec(hostVeth.Index, a.Gateway, a.HostBits)),
            $"failed to add IP addr {a.Gateway}/{a.HostBits} to veth {hostVeth.Name}");
        var route = new RouteSpec
        {
            Family = a.Family,
            Destination = new IPNetwork(a.Ip, a.HostBits),
            OutIndex = hostVeth.Index,
            Scope = 254,
        };
        try
        {
            host.AddRoute(route);
        }
        catch (NetlinkException e) when (e.Errno == EEXIST)
        {
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to add route on host: {e.Message}");
        }
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
