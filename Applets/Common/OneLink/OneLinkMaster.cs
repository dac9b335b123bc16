using System.Net.Sockets;
using CniBox.Netlink.Links;
using CniBox.Netlink.Routes;
using CniBox.Netlink.Socket;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;

namespace CniBox.Applets.Common.OneLink;

/// <summary>
/// The master (parent) link of a macvlan, ipvlan or vlan: looked up in the netns the plugin creates the link
/// from (the container's with <c>linkInContainer</c>), the default-route interface when the config names none.
/// </summary>
public static class OneLinkMaster
{
    /// <summary>
    /// The link named <paramref name="name"/> in <paramref name="where"/>, or, for "" (podman sends <c>"master": ""</c>),
    /// the interface of the first main-table default route, IPv4 before IPv6, as Go's getDefaultRouteInterfaceName.
    /// </summary>
    public static LinkInfo Resolve(RtnlHandle where, string name)
    {
        if (name.Length == 0)
            name = DefaultRouteInterface(where);
        return where.GetLink(name) ?? throw new CniException(ErrorCode.Internal, $"failed to lookup master \"{name}\": Link not found");
    }

    /// <summary>Go's <c>invalid MTU %d, must be [0, master MTU(%d)]</c>: a child link cannot be larger than its master.</summary>
    public static void CheckMtu(int mtu, LinkInfo master)
    {
        if (mtu < 0 || mtu > master.Mtu)
            throw new CniException(ErrorCode.Internal, $"invalid MTU {mtu}, must be [0, master MTU({master.Mtu})]");
    }

    private static string DefaultRouteInterface(RtnlHandle where)
    {
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            foreach (var route in MainRoutes(where, family))
            {
                if (route.Destination is not null) continue;
                var index = route.OutIndex > 0 ? route.OutIndex : route.Multipath?.FirstOrDefault()?.OutIndex ?? 0;
                if (where.GetLink(index) is { } link) return link.Name;
            }
        }
        throw new CniException(ErrorCode.Internal, "no default route interface found");
    }

    /// <summary>The main table; a netns that never had a route of the family has no table to dump (ENOENT).</summary>
    private static IReadOnlyList<RouteSpec> MainRoutes(RtnlHandle where, AddressFamily family)
    {
        try
        {
            return where.ListRoutes(family, 254);
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return [];
        }
    }
}
