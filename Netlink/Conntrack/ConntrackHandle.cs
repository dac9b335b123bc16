using System.Net.Sockets;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Socket;

namespace CniBox.Netlink.Conntrack;

/// <summary>
/// The connection tracking table over ctnetlink (NETLINK_NETFILTER, NFNL_SUBSYS_CTNETLINK), bound to one network
/// namespace through one socket; no <c>conntrack</c> process. Safe from any thread; requests are serialized.
/// <para>
/// Deletes work as Go's netlink <c>ConntrackDeleteFilters</c> and <c>conntrack -D</c> do: one dump of the family's
/// table (IPCTNL_MSG_CT_GET, NLM_F_DUMP), then one IPCTNL_MSG_CT_DELETE with an ACK per matching entry, naming
/// its original tuple as dumped and its zone. An entry that vanished between the dump and its delete (ENOENT)
/// counts as already gone. A namespace whose traffic never used conntrack has an empty table: 0 entries, no error.
/// Any other kernel refusal is a <see cref="NetlinkException"/>.
/// </para>
/// </summary>
public sealed class ConntrackHandle : IDisposable
{
    private const int RequestBufferSize = 512;

    private readonly NetlinkSocket _socket;

    private ConntrackHandle(NetlinkSocket socket) => _socket = socket;

    /// <summary>Opens a handle in <paramref name="ns"/>, or in the calling thread's namespace when null.</summary>
    public static ConntrackHandle Open(NetNsHandle? ns = null) =>
        new(ns is null ? NetlinkSocket.Open(Nl.NETLINK_NETFILTER) : NetlinkSocket.OpenIn(ns, Nl.NETLINK_NETFILTER));

    public void Dispose() => _socket.Dispose();

    /// <summary>
    /// <c>conntrack -L -f ipv4|ipv6</c>: the entries of <paramref name="family"/> (InterNetwork, InterNetworkV6, or
    /// Unspecified for both) in the kernel's order.
    /// </summary>
    public IReadOnlyList<ConntrackEntry> List(AddressFamily family) => [.. Dump(family).Select(f => f.Entry)];

    /// <summary>
    /// <c>conntrack -D -f FAMILY -p PROTO --orig-port-dst PORT</c>, as Go's portmap filter (proto and original
    /// destination port): deletes the entries of <paramref name="family"/> whose original tuple has protocol
    /// <paramref name="l4Protocol"/> (an IPPROTO number, <see cref="Ctnl.IPPROTO_UDP"/>) and destination port
    /// <paramref name="port"/>, in every zone; returns how many it deleted.
    /// </summary>
    public int DeleteByOriginalDestinationPort(AddressFamily family, byte l4Protocol, ushort port) =>
        DeleteWhere(family, e => e.Protocol == l4Protocol && e.DestinationPort == port);

    /// <summary>Deletes the entries of <paramref name="family"/> that <paramref name="match"/> accepts; returns how many.</summary>
    public int DeleteWhere(AddressFamily family, Func<ConntrackEntry, bool> match)
    {
        int deleted = 0;
        foreach (ConntrackFlow flow in Dump(family))
            if (match(flow.Entry) && Delete(flow))
                deleted++;
        return deleted;
    }

    private bool Delete(ConntrackFlow flow)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        ConntrackMessages.Delete(ref w, _socket.NextSequence(), flow);
        ConntrackEntry e = flow.Entry;
        try
        {
            _socket.Request(w.Written, $"IPCTNL_MSG_CT_DELETE {e.Protocol} {e.Source}:{e.SourcePort} -> {e.Destination}:{e.DestinationPort} zone {e.Zone}");
            return true;
        }
        catch (NetlinkException x) when (x.Errno == Errno.ENOENT)
        {
            return false;
        }
    }

    private List<ConntrackFlow> Dump(AddressFamily family) =>
        _socket.Dump(stackalloc byte[RequestBufferSize], $"IPCTNL_MSG_CT_GET dump {family}",
            (ref NetlinkWriter w, uint seq) => ConntrackMessages.Dump(ref w, seq, family), ConntrackParse.Flow);
}
