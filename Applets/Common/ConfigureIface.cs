using System.Net;
using System.Net.Sockets;
using CniBox.Netlink;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Routes;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Results;
using static CniBox.Netlink.Constants.Errno;

namespace CniBox.Applets.Common;

/// <summary>pkg/ipam ConfigureIface: applies a result's addresses and routes to the container interface.</summary>
public static class IfaceConfigurator
{
    /// <summary>How long IPv6 DAD may take before ADD fails (the Go plugins allow 10 s).</summary>
    public static readonly TimeSpan DadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// For each IP whose <c>interface</c> names <paramref name="link"/>: on the first IPv6 one, <c>disable_ipv6=0</c>
    /// on lo and the interface and <c>keep_addr_on_down=1</c>; add the address. Then link up, wait for DAD when an
    /// IPv6 gateway exists (DADFAILED is an error), and add the result's routes (missing gw = the first gateway of
    /// that family; metric, table, scope, mtu and advmss kept; a second path to the same destination makes ECMP).
    /// </summary>
    public static void Configure(RtnlHandle container, LinkInfo link, CniResult result)
    {
        var ifName = link.Name;
        if (result.Interfaces.Count == 0)
            throw new CniException(ErrorCode.Internal, "no interfaces to configure");
        IPAddress? v4gw = null, v6gw = null;
        var ipv6Enabled = false;
        foreach (var ipc in result.Ips)
        {
            if (ipc.Interface is not { } idx) continue;
            if (idx < 0 || idx >= result.Interfaces.Count || result.Interfaces[idx].Name != ifName)
                throw new CniException(ErrorCode.Internal, $"failed to add IP addr {ipc.Address} to \"{ifName}\": invalid interface index");
            var address = Addresses.ParseCidr(ipc.Address, "IP address");
            if (!address.Address.IsV4 && !ipv6Enabled)
            {
                EnableIpv6(container.Namespace, ifName);
                ipv6Enabled = true;
            }
            try
            {
                container.AddAddress(new AddrSpec(link.Index, address.Address.ToIp(), address.FamilyPrefix) { Broadcast = address.Broadcast() });
            }
            catch (NetlinkException e)
            {
                throw new CniException(ErrorCode.Internal, $"failed to add IP addr {ipc.Address} to \"{ifName}\": {e.Message}");
            }
            if (Addresses.ParseIp(ipc.Gateway, "gateway") is { } gw)
            {
                if (gw.IsV4) v4gw ??= gw.ToIp();
                else v6gw ??= gw.ToIp();
            }
        }
        try
        {
            container.SetLinkUp(link.Index);
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to set \"{ifName}\" UP: {e.Message}");
        }
        if (v6gw is not null) WaitForDad(container, link);
        foreach (var route in result.Routes)
        {
            var dst = Addresses.ParseCidr(route.Dst, "route destination");
            var gw = Addresses.ParseIp(route.Gw, "route gateway")?.ToIp() ?? (dst.Address.IsV4 ? v4gw : v6gw);
            AddRouteEcmp(container, ToSpec(route, dst, gw, link.Index), $"{route.Dst} via {gw?.ToString() ?? "<nil>"} dev {ifName}");
        }
    }

    /// <summary>The kernel route for a result route (a 0/0 destination is the default route).</summary>
    public static RouteSpec ToSpec(ResultRoute route, IpNet dst, IPAddress? gw, int outIndex) => new()
    {
        Family = dst.Address.IsV4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6,
        Destination = dst.FamilyPrefix == 0 ? null : dst.ToPrefix(),
        Gateway = gw,
        OutIndex = outIndex,
        Metric = route.Priority is > 0 and var p ? (uint)p : null,
        Table = route.Table is > 0 and var t ? (uint)t : null,
        Scope = route.Scope is { } s ? (byte)s : null,
        Mtu = route.Mtu is > 0 and var m ? (uint)m : 0,
        AdvMss = route.AdvMss is > 0 and var a ? (uint)a : 0,
    };

    /// <summary>
    /// pkg/ip AddRoute with netlink.RouteAddEcmp semantics: when a route to the same destination (same table and
    /// metric) exists through another path, both paths end up in one multipath route.
    /// </summary>
    public static void AddRouteEcmp(RtnlHandle rtnl, RouteSpec route, string description)
    {
        try
        {
            rtnl.AddRoute(route);
            return;
        }
        catch (NetlinkException e) when (e.Errno == EEXIST && route.Gateway is not null)
        {
            var table = route.Table ?? 254;
            var existing = rtnl.ListRoutes(route.Family, table).FirstOrDefault(r =>
                Equals(r.Destination, route.Destination) && (route.Metric is null || r.Metric == route.Metric));
            var hops = existing is null ? null
                : existing.Multipath is { Count: > 0 } m ? m.ToList()
                : [new NextHop(existing.Gateway, existing.OutIndex)];
            var added = new NextHop(route.Gateway, route.OutIndex);
            if (existing is null || hops!.Contains(added))
                throw new CniException(ErrorCode.Internal, $"failed to add route '{description}': {e.Message}");
            hops.Add(added);
            try
            {
                rtnl.ReplaceRoute(route with { Gateway = null, OutIndex = 0, Metric = existing.Metric, Multipath = hops });
            }
            catch (NetlinkException e2)
            {
                throw new CniException(ErrorCode.Internal, $"failed to add route '{description}': {e2.Message}");
            }
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to add route '{description}': {e.Message}");
        }
    }

    private static void EnableIpv6(NetNsHandle ns, string ifName)
    {
        string? failure = NetNs.RunBriefly(ns, () =>
        {
            foreach (var iface in new[] { "lo", ifName })
            {
                var key = Sysctl.InterfaceKey("ipv6", iface, "disable_ipv6");
                string value;
                try
                {
                    value = Sysctl.Read(key);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                if (value == "0") continue;
                try
                {
                    Sysctl.Write(key, "0");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return $"failed to enable IPv6 for interface \"{iface}\" ({key}={value}): {e.Message}";
                }
            }
            try
            {
                Sysctl.Write(Sysctl.InterfaceKey("ipv6", ifName, "keep_addr_on_down"), "1");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Older kernels lack the knob; addresses then simply go away on link down.
            }
            return null;
        });
        if (failure is not null) throw new CniException(ErrorCode.Internal, failure);
    }

    private static void WaitForDad(RtnlHandle container, LinkInfo link)
    {
        try
        {
            container.WaitForDad(link.Index, DadTimeout);
        }
        catch (DadFailedException e)
        {
            throw new CniException(ErrorCode.Internal,
                $"IPv6 duplicate address detection failed for {e.Address} on \"{link.Name}\": the address is in use on the link");
        }
        catch (TimeoutException e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to settle addresses on \"{link.Name}\": {e.Message}");
        }
    }
}
