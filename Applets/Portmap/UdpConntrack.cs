using System.Net.Sockets;
using CniBox.Netlink;
using CniBox.Netlink.Conntrack;
using CniBox.Netlink.Socket;
using Serilog;
using static CniBox.Netlink.Constants.Ctnl;

namespace CniBox.Applets.Portmap;

/// <summary>
/// Drops the UDP conntrack entries whose original destination port is a published host port, over ctnetlink (no
/// conntrack process): on ADD (as Go) so packets that reached the host before the DNAT rule existed are NAT'd from
/// now on, and on DEL (unlike Go, upstream #1190) so a flow does not keep going to a container that is gone.
/// One table dump for every port and family, skipped when the namespace tracks no connection at all: the dump walks
/// the kernel's global conntrack hash (~10 ms here, however few the entries). Failures are logged, as Go does, never fatal.
/// </summary>
internal static class UdpConntrack
{
    public static void Flush(IEnumerable<ushort> hostPorts, bool v4, bool v6, ILogger log)
    {
        var ports = hostPorts.ToHashSet();
        if (ports.Count == 0 || !(v4 || v6)) return;
        if (TracksNothing())
        {
            log.Debug("portmap: this network namespace tracks no connection; no UDP conntrack entry of host ports {Ports} to delete", ports);
            return;
        }
        var family = v4 && v6 ? AddressFamily.Unspecified : v4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        try
        {
            using var conntrack = ConntrackHandle.Open();
            var deleted = conntrack.DeleteWhere(family, e => e.Protocol == IPPROTO_UDP && ports.Contains(e.DestinationPort));
            log.Debug("portmap: deleted {Count} UDP conntrack entries of host ports {Ports}", deleted, ports);
        }
        catch (NetlinkException e)
        {
            log.Warning("portmap: could not delete the UDP conntrack entries of host ports {Ports}: {Error}", ports, e.Message);
        }
    }

    /// <summary>
    /// nf_conntrack_count of the caller's namespace is 0 (it counts entries not yet confirmed too). Unreadable (no
    /// nf_conntrack) is not taken for zero: the dump then says what is wrong, as before.
    /// </summary>
    private static bool TracksNothing()
    {
        try
        {
            return Sysctl.Read("net/netfilter/nf_conntrack_count") == "0";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NetlinkException)
        {
            return false;
        }
    }

    public static IEnumerable<ushort> UdpPorts(IEnumerable<PortMapping> mappings) =>
        mappings.Where(m => m.Protocol == "udp").Select(m => m.HostPort);
}
