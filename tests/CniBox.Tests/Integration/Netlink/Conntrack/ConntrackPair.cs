using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CniBox.Netlink.Conntrack;
using CniBox.Netlink.Namespaces;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Netlink.Conntrack;

/// <summary>
/// Two throwaway namespaces joined by a veth (cbtct0 / cbtct1, 10.199.180.0/24 and fd99:0:180::/64). The node tracks
/// what it sends (an nft <c>ct state new</c> rule, and UDP to <see cref="ZonedPort"/> goes to zone 7); the peer drops
/// every TCP and UDP packet, so entries stay unreplied (UDP 30 s, TCP SYN_SENT 120 s). Packets are real: sockets
/// opened inside the node with fixed source ports. Debian's <c>conntrack -L</c> in the node is the oracle.
/// </summary>
internal sealed class ConntrackPair : IDisposable
{
    public const ushort ZonedPort = 5190;
    public const ushort Zone = 7;

    public static readonly IPAddress NodeV4 = IPAddress.Parse("10.199.180.1"), PeerV4 = IPAddress.Parse("10.199.180.2");
    public static readonly IPAddress NodeV6 = IPAddress.Parse("fd99:0:180::1"), PeerV6 = IPAddress.Parse("fd99:0:180::2");

    private readonly List<Socket> _sockets = [];
    private readonly NetNsHandle _nodeNs;

    public ConntrackPair()
    {
        Node = new TestNetns("ct");
        Peer = new TestNetns("ct");
        try
        {
            NsTraffic.Veth(Node, "cbtct0", ["10.199.180.1/24", "fd99:0:180::1/64"], Peer, "cbtct1", ["10.199.180.2/24", "fd99:0:180::2/64"]);
            NsTraffic.Nft(Node, "add table inet cbt_ct; " +
                "add chain inet cbt_ct zone { type filter hook output priority -300 ; }; " +
                $"add rule inet cbt_ct zone udp dport {ZonedPort} ct zone set {Zone}; " +
                "add chain inet cbt_ct out { type filter hook output priority 0 ; }; " +
                "add rule inet cbt_ct out ct state new counter");
            NsTraffic.Nft(Peer, "add table inet cbt_drop; add chain inet cbt_drop pre { type filter hook prerouting priority -300 ; }; " +
                "add rule inet cbt_drop pre meta l4proto { tcp, udp } drop");
            _nodeNs = NetNsHandle.Open(Node.Path);
            Conntrack = ConntrackHandle.Open(_nodeNs);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public TestNetns Node { get; }

    public TestNetns Peer { get; }

    /// <summary>Our handle, opened in the node.</summary>
    public ConntrackHandle Conntrack { get; } = null!;

    /// <summary>One UDP datagram from the node's address of <paramref name="to"/>'s family, source port <paramref name="sourcePort"/>.</summary>
    public void SendUdp(IPAddress to, ushort sourcePort, ushort port)
    {
        Socket s = Open(to, SocketType.Dgram, ProtocolType.Udp, sourcePort);
        s.SendTo("x"u8, new IPEndPoint(to, port));
    }

    /// <summary>A TCP SYN (non-blocking connect; the peer drops it), the socket kept open until Dispose.</summary>
    public void SendTcpSyn(IPAddress to, ushort sourcePort, ushort port)
    {
        Socket s = Open(to, SocketType.Stream, ProtocolType.Tcp, sourcePort);
        s.Blocking = false;
        try
        {
            s.Connect(new IPEndPoint(to, port));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
        }
    }

    /// <summary><c>conntrack -L -f ipv4</c> and <c>-f ipv6</c> in the node, each line's original tuple and zone.</summary>
    public List<ConntrackEntry> Oracle() => [.. OracleOf("ipv4"), .. OracleOf("ipv6")];

    /// <summary><c>conntrack -D</c> of one entry by its full original tuple, as another process racing us would.</summary>
    public void OracleDelete(ConntrackEntry e) =>
        NsTraffic.Exec(Node, ["conntrack", "-D", "-f", e.Family == AddressFamily.InterNetwork ? "ipv4" : "ipv6",
            "-p", e.Protocol.ToString(), "-s", e.Source.ToString(), "-d", e.Destination.ToString(),
            "--sport", e.SourcePort.ToString(), "--dport", e.DestinationPort.ToString(), "--zone", e.Zone.ToString()]);

    public void Dispose()
    {
        foreach (Socket s in _sockets)
            s.Dispose();
        Conntrack?.Dispose();
        _nodeNs?.Dispose();
        Peer.Dispose();
        Node.Dispose();
    }

    private Socket Open(IPAddress to, SocketType type, ProtocolType protocol, ushort sourcePort)
    {
        IPAddress from = to.AddressFamily == AddressFamily.InterNetwork ? NodeV4 : NodeV6;
        Socket s = NetNs.RunBriefly(_nodeNs, () => new Socket(to.AddressFamily, type, protocol));
        _sockets.Add(s);
        s.Bind(new IPEndPoint(from, sourcePort));
        return s;
    }

    private List<ConntrackEntry> OracleOf(string family)
    {
        string text = NsTraffic.Exec(Node, "conntrack", "-L", "-f", family);
        var entries = new List<ConntrackEntry>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Match m = Regex.Match(line, @"^\S+\s+(\d+)\s.*?src=(\S+) dst=(\S+) (?:sport=(\d+) dport=(\d+))?");
            Assert.That(m.Success, Is.True, $"conntrack -L line not understood: {line}");
            Match zone = Regex.Match(line, @" zone=(\d+)");
            IPAddress src = IPAddress.Parse(m.Groups[2].Value);
            entries.Add(new ConntrackEntry(src.AddressFamily, byte.Parse(m.Groups[1].Value), src, IPAddress.Parse(m.Groups[3].Value),
                m.Groups[4].Success ? ushort.Parse(m.Groups[4].Value) : (ushort)0,
                m.Groups[5].Success ? ushort.Parse(m.Groups[5].Value) : (ushort)0,
                zone.Success ? ushort.Parse(zone.Groups[1].Value) : (ushort)0));
        }
        return entries;
    }
}
