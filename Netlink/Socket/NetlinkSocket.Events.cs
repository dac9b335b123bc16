using System.Buffers;
using CniBox.Interop;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Constants;
using Tmds.Linux;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Socket;

/// <summary>Multicast notifications: join groups, then wait for events with a timeout.</summary>
public sealed unsafe partial class NetlinkSocket
{
    /// <summary>Joins a multicast group (setsockopt NETLINK_ADD_MEMBERSHIP), e.g. RTNLGRP_LINK.</summary>
    public void AddMembership(uint group)
    {
        uint value = group;
        if (LibC.setsockopt(Fd, LibC.SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &value, sizeof(uint)) != 0)
            throw new NetlinkException(LibC.errno, $"setsockopt(NETLINK_ADD_MEMBERSHIP, {group})", null);
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for one datagram of notifications from the kernel and hands each
    /// message to <paramref name="onMessage"/>. Returns false on timeout. ENOBUFS (events were dropped because
    /// the socket buffer overflowed) is thrown as a <see cref="NetlinkException"/>: the caller re-reads the state.
    /// </summary>
    public bool ReceiveEvents(TimeSpan timeout, MessageHandler onMessage, string operation)
    {
        if (!Poll(timeout, operation))
            return false;
        lock (_lock)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
            try
            {
                int length = Receive(ref buffer, operation);
                var reader = new MessageReader(buffer.AsSpan(0, length));
                while (reader.MoveNext())
                {
                    NetlinkMessage m = reader.Current;
                    if (m.Type is NLMSG_NOOP or NLMSG_DONE or NLMSG_ERROR)
                        continue;
                    onMessage(in m);
                }
                return true;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private bool Poll(TimeSpan timeout, string operation)
    {
        bool added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            var pfd = new pollfd { fd = Fd, events = LibC.POLLIN };
            long deadline = Environment.TickCount64 + (long)Math.Max(0, timeout.TotalMilliseconds);
            while (true)
            {
                int wait = (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue);
                int n = LibCGaps.poll(&pfd, 1, wait);
                if (n > 0)
                    return true;
                if (n == 0)
                    return false;
                int errno = LibC.errno;
                if (errno != Errno.EINTR)
                    throw new NetlinkException(errno, $"{operation}: poll", null);
            }
        }
        finally
        {
            if (added)
                _fd.DangerousRelease();
        }
    }
}
