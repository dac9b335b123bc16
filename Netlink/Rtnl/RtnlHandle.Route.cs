using System.Net;
using System.Net.Sockets;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Routes;
using CniBox.Netlink.Socket;

namespace CniBox.Netlink.Rtnl;

public sealed partial class RtnlHandle
{
    /// <summary><c>ip route add ...</c>; an existing route throws EEXIST.</summary>
    public void AddRoute(RouteSpec route) =>
        Execute($"RTM_NEWROUTE {route}", (ref NetlinkWriter w, uint seq) => RouteMessages.Add(ref w, seq, route));

    /// <summary><c>ip route replace ...</c></summary>
    public void ReplaceRoute(RouteSpec route) =>
        Execute($"RTM_NEWROUTE replace {route}", (ref NetlinkWriter w, uint seq) => RouteMessages.Replace(ref w, seq, route));

    /// <summary><c>ip route del ...</c>; a missing route throws ESRCH (IsNotFound).</summary>
    public void DeleteRoute(RouteSpec route) =>
        Execute($"RTM_DELROUTE {route}", (ref NetlinkWriter w, uint seq) => RouteMessages.Delete(ref w, seq, route));

    /// <summary><c>ip route get ADDRESS</c>: the route the kernel would take there; null when it has none (ENETUNREACH).</summary>
    public RouteSpec? GetRouteTo(IPAddress destination)
    {
        try
        {
            return Get($"RTM_GETROUTE to {destination}", (ref NetlinkWriter w, uint seq) => RouteMessages.GetTo(ref w, seq, destination), RouteMessages.Parse);
        }
        catch (NetlinkException e) when (e.Errno is 101 or 113)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>ip [-4|-6] route show table N</c>, or <c>table all</c> when <paramref name="table"/> is null (local and
    /// IPv6 multicast routes included). The kernel filters by table; the list is filtered here as well.
    /// </summary>
    public IReadOnlyList<RouteSpec> ListRoutes(AddressFamily family, uint? table = null)
    {
        List<RouteSpec> routes = Dump($"RTM_GETROUTE dump{(table is null ? "" : $" table {table}")}",
            (ref NetlinkWriter w, uint seq) => RouteMessages.Dump(ref w, seq, family, table), RouteMessages.Parse);
        routes.RemoveAll(r => (table is not null && r.Table != table)
            || (family != AddressFamily.Unspecified && r.Family != family));
        return routes;
    }
}
