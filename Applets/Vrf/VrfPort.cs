using CniBox.Netlink.Constants;
using System.Net.Sockets;
using CniBox.Applets.Common;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Links;
using CniBox.Netlink.Routes;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using Serilog;

namespace CniBox.Applets.Vrf;

/// <summary>
/// Upstream's addInterface: enslaving a link to a VRF cycles it, which drops its IPv6 addresses (without
/// keep_addr_on_down) and its routes. So the IPv6 addresses and the link's universe-scope main-table routes are
/// saved first, the lost addresses re-added after, and the routes re-added into the VRF's table once the kernel has
/// put the IPv6 prefix routes there (up to ~2.5 s).
/// </summary>
public static class VrfPort
{
    private const uint MainTable = Rta.RT_TABLE_MAIN;
    private static readonly TimeSpan RouteWait = TimeSpan.FromMilliseconds(2500);

    public static void Enslave(RtnlHandle rtnl, LinkInfo vrf, uint table, string ifName, ILogger log)
    {
        var link = rtnl.GetLink(ifName) ?? throw new CniException(ErrorCode.Internal, $"could not get link by name {ifName}");
        if (link.MasterIndex != 0)
        {
            var master = rtnl.GetLink(link.MasterIndex)?.Name ?? $"#{link.MasterIndex}";
            throw new CniException(ErrorCode.Internal, $"interface {ifName} has already a master set: {master}");
        }
        var v6Before = rtnl.DumpAddresses(AddressFamily.InterNetworkV6, link.Index);
        var routes = new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 }
            .SelectMany(f => rtnl.ListRoutes(f, MainTable)).Where(r => r.OutIndex == link.Index && r.Scope is null or 0).ToList();
        Try(() => rtnl.SetLinkMaster(link.Index, vrf.Index), $"could not set vrf {vrf.Name} as master of {ifName}");
        var v6After = rtnl.DumpAddresses(AddressFamily.InterNetworkV6, link.Index);
        foreach (var lost in v6Before.Where(a => !v6After.Any(b => b.Address.Equals(a.Address) && b.PrefixLength == a.PrefixLength)))
            Try(() => rtnl.AddAddress(new AddrSpec(link.Index, lost.Address, lost.PrefixLength) { Flags = lost.Flags, Scope = lost.Scope }),
                $"could not restore address {lost.Address}/{lost.PrefixLength} to {ifName} @ {vrf.Name}");
        if (v6Before.Count > 0) WaitForRoutesIn(rtnl, table, link.Index, log);
        foreach (var route in routes)
        {
            var moved = route with { Table = table };
            try
            {
                rtnl.AddRoute(moved);
            }
            catch (NetlinkException e) when (e.Errno == Netlink.Constants.Errno.EEXIST)
            {
                log.Debug("route {Route} is in the VRF's table already", moved);
            }
            catch (NetlinkException e)
            {
                throw new CniException(ErrorCode.Internal, $"could not add route '{moved}': {e.Message}");
            }
        }
    }

    /// <summary>The IPv6 prefix routes the kernel adds to the VRF's table once the re-added addresses are up.</summary>
    private static void WaitForRoutesIn(RtnlHandle rtnl, uint table, int index, ILogger log)
    {
        var deadline = DateTime.UtcNow + RouteWait;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (rtnl.ListRoutes(AddressFamily.InterNetworkV6, table).Any(r => r.OutIndex == index)) return;
            }
            catch (NetlinkException e) when (e.IsNotFound)
            {
                // The table appears with its first route.
            }
            Thread.Sleep(250);
        }
        log.Debug("no IPv6 route of #{Index} in table {Table} after {Wait}", index, table, RouteWait);
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
