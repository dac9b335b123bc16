using System.Buffers;
using System.Runtime.InteropServices;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Constants;
using Tmds.Linux;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Socket;

/// <summary>The kernel's NLMSG_ERROR for one message of a batch.</summary>
public readonly record struct BatchFailure(uint Sequence, int Errno, string? ExtAckMessage);

public sealed unsafe partial class NetlinkSocket
{
    /// <summary>
    /// Sends an nfnetlink batch (begin, messages with NLM_F_ACK, end; sequence numbers <paramref name="firstSeq"/> to
    /// <paramref name="lastSeq"/>) in one datagram and collects the kernel's answers. The kernel processes a batch
    /// inside sendmsg and queues one ACK or error per acked message, so this waits for
    /// <paramref name="expectedAcks"/> answers; after the first error it only drains what is queued
    /// (MSG_DONTWAIT), since a batch-level error (for the begin message: EPERM, ENOMEM) comes alone.
    /// Returns the failures in the kernel's order; empty means the batch was committed. Other messages of the batch's
    /// sequence numbers (what the kernel echoes for NLM_F_ECHO) go to <paramref name="onEcho"/>.
    /// </summary>
    public List<BatchFailure> RequestBatch(ReadOnlySpan<byte> batch, uint firstSeq, uint lastSeq, int expectedAcks, string operation,
        MessageHandler? onEcho = null)
    {
        var failures = new List<BatchFailure>();
        lock (_lock)
        {
            Send(batch, operation);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
            try
            {
                int answers = 0;
                while (answers < expectedAcks)
                {
                    int length;
                    try
                    {
                        length = Receive(ref buffer, operation, failures.Count > 0 ? LibC.MSG_DONTWAIT : 0);
                    }
                    catch (NetlinkException e) when (e.Errno == Errno.EAGAIN && failures.Count > 0)
                    {
                        break;
                    }
                    var reader = new MessageReader(buffer.AsSpan(0, length));
                    while (reader.MoveNext())
                    {
                        NetlinkMessage m = reader.Current;
                        if (m.PortId != PortId || m.Sequence < firstSeq || m.Sequence > lastSeq)
                            continue;
                        if (m.Type != NLMSG_ERROR)
                        {
                            onEcho?.Invoke(in m);
                            continue;
                        }
                        answers++;
                        int errno = NetlinkError.Read(in m, out string? extAck);
                        if (errno != 0)
                            failures.Add(new BatchFailure(m.Sequence, errno, extAck));
                    }
                    if (reader.Malformed)
                        throw new InvalidDataException($"netlink: {operation}: malformed message in a {length}-byte reply");
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        return failures;
    }

    /// <summary>Reserves <paramref name="count"/> consecutive sequence numbers and returns the first.</summary>
    public uint ReserveSequences(int count) => Interlocked.Add(ref _sequence, (uint)count) - (uint)count + 1;

    /// <summary>
    /// Raises the receive buffer to at least <paramref name="bytes"/> so a large batch's ACKs are not dropped
    /// (ENOBUFS): SO_RCVBUFFORCE when privileged, else SO_RCVBUF within rmem_max. Best effort.
    /// </summary>
    public void EnsureReceiveBuffer(int bytes)
    {
        if (LibC.setsockopt(Fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, &bytes, sizeof(int)) == 0)
            return;
        _ = LibC.setsockopt(Fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, &bytes, sizeof(int));
    }
}
