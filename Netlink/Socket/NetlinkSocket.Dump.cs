using CniBox.Netlink.Codec;

namespace CniBox.Netlink.Socket;

/// <summary>Writes one request into the buffer with the given sequence number.</summary>
public delegate void RequestBuilder(ref NetlinkWriter writer, uint seq);

/// <summary>Turns one reply message into an object, or null to skip it.</summary>
public delegate T? MessageParser<T>(in NetlinkMessage message) where T : class;

public sealed partial class NetlinkSocket
{
    /// <summary>Dumps interrupted by concurrent changes are retried this many times in total, then rethrown.</summary>
    public const int DumpAttempts = 5;

    /// <summary>
    /// Runs a dump, restarting it when the kernel flags NLM_F_DUMP_INTR. After <see cref="DumpAttempts"/>
    /// interrupted runs the <see cref="DumpInterruptedException"/> propagates: unlike Go's netlink we
    /// never hand back a possibly inconsistent list, since callers decide what to create or delete from it.
    /// </summary>
    public List<T> Dump<T>(Span<byte> requestBuffer, string operation, RequestBuilder build, MessageParser<T> parse)
        where T : class
    {
        for (int attempt = 1; ; attempt++)
        {
            var results = new List<T>();
            var writer = new NetlinkWriter(requestBuffer);
            build(ref writer, NextSequence());
            try
            {
                Request(writer.Written, operation, (in NetlinkMessage m) =>
                {
                    if (parse(in m) is { } item)
                        results.Add(item);
                });
                return results;
            }
            catch (DumpInterruptedException) when (attempt < DumpAttempts)
            {
            }
        }
    }
}
