using System.Net.Sockets;
using System.Runtime.InteropServices;
using CniBox.Netlink.Namespaces;
using Tmds.Linux;

namespace CniBox.Netlink.Packet;

/// <summary>
/// An AF_PACKET socket on one interface of a network namespace, for a protocol that must work before the interface
/// has an address (a DHCP client): whole ethernet frames out and in. The socket is created inside the namespace
/// (a setns on the calling thread, then back), bound to the interface's index, and given a classic BPF filter
/// that passes only unfragmented IPv4 UDP to one destination port, so the rest of the container's traffic is
/// never copied to us. Reads and writes are asynchronous (the runtime's epoll), no thread is held.
/// </summary>
public sealed unsafe class PacketSocket : IDisposable
{
    private const ushort EthPIp = 0x0800;
    private const int SoAttachFilter = 26;
    private readonly System.Net.Sockets.Socket _socket;

    private PacketSocket(System.Net.Sockets.Socket socket) => _socket = socket;

    /// <summary>Opens the socket in <paramref name="ns"/> on interface <paramref name="ifIndex"/> for UDP to <paramref name="udpPort"/>.</summary>
    public static PacketSocket OpenUdp(NetNsHandle ns, int ifIndex, ushort udpPort) =>
        new(NetNs.RunBriefly(ns, () => Create(ifIndex, udpPort)));

    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancel) =>
        _socket.SendAsync(frame, SocketFlags.None, cancel);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancel) =>
        _socket.ReceiveAsync(buffer, SocketFlags.None, cancel);

    public void Dispose() => _socket.Dispose();

    private static System.Net.Sockets.Socket Create(int ifIndex, ushort udpPort)
    {
        int fd = LibC.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK, 0);
        if (fd < 0) throw new SocketException(LibC.errno);
        try
        {
            AttachFilter(fd, udpPort);
            var address = new SockaddrLl
            {
                Family = (ushort)LibC.AF_PACKET,
                Protocol = (ushort)((EthPIp >> 8) | ((EthPIp & 0xff) << 8)),
                IfIndex = ifIndex,
            };
            if (LibC.bind(fd, (sockaddr*)&address, (uint)sizeof(SockaddrLl)) != 0) throw new SocketException(LibC.errno);
            return new System.Net.Sockets.Socket(new SafeSocketHandle(fd, ownsHandle: true));
        }
        catch
        {
            LibC.close(fd);
            throw;
        }
    }

    /// <summary>ip and not fragment and udp dst port N: accept the whole frame, else drop (tcpdump -dd's shape).</summary>
    private static void AttachFilter(int fd, ushort port)
    {
        var program = stackalloc SockFilter[]
        {
            new(0x28, 0, 0, 12), new(0x15, 0, 8, EthPIp), new(0x30, 0, 0, 23), new(0x15, 0, 6, 17),
            new(0x28, 0, 0, 20), new(0x45, 4, 0, 0x1fff), new(0xb1, 0, 0, 14), new(0x48, 0, 0, 16),
            new(0x15, 0, 1, port), new(0x06, 0, 0, 0x40000), new(0x06, 0, 0, 0),
        };
        var fprog = new SockFprog { Length = 11, Filter = program };
        if (LibC.setsockopt(fd, LibC.SOL_SOCKET, SoAttachFilter, &fprog, (uint)sizeof(SockFprog)) != 0)
            throw new SocketException(LibC.errno);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SockaddrLl
    {
        public ushort Family;
        public ushort Protocol;
        public int IfIndex;
        public ushort HaType;
        public byte PktType;
        public byte HaLen;
        public ulong Address;
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct SockFilter(ushort code, byte jt, byte jf, uint k)
    {
        public readonly ushort Code = code;
        public readonly byte Jt = jt;
        public readonly byte Jf = jf;
        public readonly uint K = k;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFprog
    {
        public ushort Length;
        public SockFilter* Filter;
    }
}
