using CniBox.Netlink.Codec;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Socket;

namespace CniBox.Netlink.Route;

/// <summary>
/// rtnetlink operations bound to one network namespace through one socket. Ops are named after
/// the <c>ip</c> command they mirror. Safe to use from any thread; requests are serialized.
/// </summary>
public sealed partial class RtnlHandle : IDisposable
{
    /// <summary>Dumps interrupted by concurrent changes are retried this many times in total, then rethrown.</summary>
    public const int DumpAttempts = 5;

    private const int RequestBufferSize = 1024;

    private readonly NetlinkSocket _socket;

    private RtnlHandle(NetlinkSocket socket, NetNsHandle ns)
    {
        _socket = socket;
        Namespace = ns;
    }

    /// <summary>
    /// The handle's own fd on its namespace: for event sockets opened later (<see cref="WaitForOperUp"/>)
    /// and for sysctls (<see cref="Sysctl.ReadIn"/>). Disposed with the handle.
    /// </summary>
    public NetNsHandle Namespace { get; }

    private delegate void RequestBuilder(ref NetlinkWriter writer, uint seq);

    private delegate T? MessageParser<T>(in NetlinkMessage message) where T : class;

    /// <summary>Opens a handle in <paramref name="ns"/>, or in the calling thread's namespace when null.</summary>
    public static RtnlHandle Open(NetNsHandle? ns = null)
    {
        NetNsHandle own = ns is null ? NetNs.Current() : ns.Duplicate();
        try
        {
            return new RtnlHandle(ns is null ? NetlinkSocket.Open() : NetlinkSocket.OpenIn(ns), own);
        }
        catch
        {
            own.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        Namespace.Dispose();
    }

    /// <summary>Sends a change request with NLM_F_ACK and waits for the ACK.</summary>
    private void Execute(string operation, RequestBuilder build)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var writer = new NetlinkWriter(buffer);
        build(ref writer, _socket.NextSequence());
        _socket.Request(writer.Written, operation);
    }

    /// <summary>Sends a GET for one object and parses the single reply.</summary>
    private T? Get<T>(string operation, RequestBuilder build, MessageParser<T> parse) where T : class
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var writer = new NetlinkWriter(buffer);
        build(ref writer, _socket.NextSequence());
        T? result = null;
        _socket.Request(writer.Written, operation, (in NetlinkMessage m) => result ??= parse(in m));
        return result;
    }

    /// <summary>
    /// Runs a dump, restarting it when the kernel flags NLM_F_DUMP_INTR. After <see cref="DumpAttempts"/>
    /// interrupted runs the <see cref="DumpInterruptedException"/> propagates: unlike Go's netlink we
    /// never hand back a possibly inconsistent list, since callers decide what to create or delete from it.
    /// </summary>
    private List<T> Dump<T>(string operation, RequestBuilder build, MessageParser<T> parse) where T : class
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        for (int attempt = 1; ; attempt++)
        {
            var results = new List<T>();
            var writer = new NetlinkWriter(buffer);
            build(ref writer, _socket.NextSequence());
            try
            {
                _socket.Request(writer.Written, operation, (in NetlinkMessage m) =>
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
