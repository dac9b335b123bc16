using System.Buffers;
using System.Runtime.InteropServices;
using CniBox.Interop;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Namespaces;
using Tmds.Linux;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Socket;

/// <summary>
/// A bound netlink socket with its own sequence numbers. Created in one netns it stays there, so
/// it can be used from any thread. Requests are serialized by a lock.
/// </summary>
public sealed unsafe partial class NetlinkSocket : IDisposable
{
    private const int InitialReceiveSize = 32 * 1024;

    private readonly FileDescriptorHandle _fd;
    private readonly Lock _lock = new();
    private uint _sequence;

    private NetlinkSocket(FileDescriptorHandle fd, int protocol, uint portId)
    {
        _fd = fd;
        Protocol = protocol;
        PortId = portId;
    }

    public int Protocol { get; }

    /// <summary>The port id the kernel assigned at bind; replies carry it in nlmsg_pid.</summary>
    public uint PortId { get; }

    /// <summary>Opens a socket in the calling thread's network namespace.</summary>
    public static NetlinkSocket Open(int protocol = NETLINK_ROUTE)
    {
        int fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        if (fd < 0)
            throw new NetlinkException(LibC.errno, $"socket(AF_NETLINK, {protocol})", null);
        var handle = new FileDescriptorHandle(fd);
        try
        {
            var address = new SockaddrNl { nl_family = (ushort)LibC.AF_NETLINK };
            if (LibC.bind(fd, (sockaddr*)&address, sizeof(SockaddrNl)) != 0)
                throw new NetlinkException(LibC.errno, "bind(AF_NETLINK)", null);
            socklen_t length = sizeof(SockaddrNl);
            if (LibC.getsockname(fd, (sockaddr*)&address, &length) != 0)
                throw new NetlinkException(LibC.errno, "getsockname(AF_NETLINK)", null);
            EnableOption(fd, NETLINK_EXT_ACK);
            EnableOption(fd, NETLINK_CAP_ACK);
            EnableOption(fd, NETLINK_GET_STRICT_CHK);
            return new NetlinkSocket(handle, protocol, address.nl_pid);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a socket inside <paramref name="ns"/> (setns, socket, setns back on the calling
    /// thread); the socket keeps talking to that namespace from any thread afterwards.
    /// </summary>
    public static NetlinkSocket OpenIn(NetNsHandle ns, int protocol = NETLINK_ROUTE) =>
        NetNs.RunBriefly(ns, () => Open(protocol));

    public uint NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>
    /// Sends one request and consumes its whole reply. Data messages go to <paramref name="onMessage"/>.
    /// Ends at NLMSG_DONE once a reply is multi-part (NLM_F_MULTI, i.e. a dump), at the ACK when the
    /// request has NLM_F_ACK, else after the first data message. Replies with another seq or port id are skipped.
    /// Throws <see cref="NetlinkException"/> for an NLMSG_ERROR, and <see cref="DumpInterruptedException"/>
    /// after draining a dump that had NLM_F_DUMP_INTR set. Returns the number of data messages.
    /// </summary>
    public int Request(ReadOnlySpan<byte> message, string operation, MessageHandler? onMessage = null)
    {
        if (message.Length < NLMSG_HDRLEN)
            throw new ArgumentException("a netlink request needs at least a 16-byte header", nameof(message));
        NlMsgHdr request = MemoryMarshal.Read<NlMsgHdr>(message);
        bool wantsAck = (request.nlmsg_flags & NLM_F_ACK) != 0;

        lock (_lock)
        {
            Send(message, operation);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
            try
            {
                return ReceiveReply(ref buffer, request.nlmsg_seq, wantsAck, operation, onMessage);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public void Dispose() => _fd.Dispose();

    /// <summary>The socket's fd; every use is under <see cref="_lock"/> or in a method of this live object.</summary>
    private int Fd => _fd.DangerousFd;

    private int ReceiveReply(ref byte[] buffer, uint seq, bool wantsAck, string operation, MessageHandler? onMessage)
    {
        int count = 0;
        bool interrupted = false;
        while (true)
        {
            int length = Receive(ref buffer, operation);
            var reader = new MessageReader(buffer.AsSpan(0, length));
            while (reader.MoveNext())
            {
                NetlinkMessage m = reader.Current;
                if (m.Sequence != seq || m.PortId != PortId)
                    continue;
                interrupted |= (m.Flags & NLM_F_DUMP_INTR) != 0;
                switch (m.Type)
                {
                    case NLMSG_DONE:
                    case NLMSG_ERROR:
                        int errno = NetlinkError.Read(in m, out string? extAck);
                        if (errno != 0)
                            throw new NetlinkException(errno, operation, extAck);
                        return Finish(count, interrupted, operation);
                    case NLMSG_NOOP:
                        continue;
                    case NLMSG_OVERRUN:
                        throw new NetlinkException(Errno.ENOBUFS, operation, "NLMSG_OVERRUN");
                }
                count++;
                onMessage?.Invoke(in m);
                if (!wantsAck && (m.Flags & NLM_F_MULTI) == 0)
                    return Finish(count, interrupted, operation);
            }
            if (reader.Malformed)
                throw new InvalidDataException($"netlink: {operation}: malformed message in a {length}-byte reply");
        }
    }

    private static int Finish(int count, bool interrupted, string operation) =>
        interrupted ? throw new DumpInterruptedException(operation) : count;

    private void Send(ReadOnlySpan<byte> message, string operation)
    {
        var kernel = new SockaddrNl { nl_family = (ushort)LibC.AF_NETLINK };
        fixed (byte* p = message)
        {
            while (true)
            {
                long sent = LibC.sendto(Fd, p, message.Length, 0, (sockaddr*)&kernel, sizeof(SockaddrNl));
                if (sent >= 0)
                    return;
                int errno = LibC.errno;
                if (errno != Errno.EINTR)
                    throw new NetlinkException(errno, operation, null);
            }
        }
    }

    /// <summary>Receives one datagram from the kernel, growing the buffer first if MSG_PEEK|MSG_TRUNC says it must.</summary>
    private int Receive(ref byte[] buffer, string operation, int flags = 0)
    {
        while (true)
        {
            int size = ReceiveCore(buffer, LibC.MSG_PEEK | LibC.MSG_TRUNC | flags, operation, out _);
            if (size > buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(size);
            }
            int length = ReceiveCore(buffer, flags, operation, out uint sender);
            if (sender == 0)
                return length;
        }
    }

    private int ReceiveCore(byte[] buffer, int flags, string operation, out uint senderPortId)
    {
        var from = new SockaddrNl();
        socklen_t fromLength = sizeof(SockaddrNl);
        fixed (byte* p = buffer)
        {
            while (true)
            {
                long n = LibC.recvfrom(Fd, p, buffer.Length, flags, (sockaddr*)&from, &fromLength);
                if (n >= 0)
                {
                    senderPortId = from.nl_pid;
                    return (int)n;
                }
                int errno = LibC.errno;
                if (errno != Errno.EINTR)
                    throw new NetlinkException(errno, operation, null);
            }
        }
    }

    private static void EnableOption(int fd, int option)
    {
        int one = 1;
        if (LibC.setsockopt(fd, LibC.SOL_NETLINK, option, &one, sizeof(int)) == 0)
            return;
        int errno = LibC.errno;
        if (errno != Errno.ENOPROTOOPT)
            throw new NetlinkException(errno, $"setsockopt(SOL_NETLINK, {option})", null);
    }
}
