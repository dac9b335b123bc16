using CniBox.Netlink.Codec;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Socket;

namespace CniBox.Netlink.Rtnl;

/// <summary>
/// rtnetlink operations bound to one network namespace through one socket. Ops are named after
/// the <c>ip</c> command they mirror. Safe to use from any thread; requests are serialized.
/// </summary>
public sealed partial class RtnlHandle : IDisposable
{
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
    private void Execute(string operation, RequestBuilder build, int bufferSize = RequestBufferSize)
    {
        Span<byte> buffer = stackalloc byte[bufferSize];
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

    private List<T> Dump<T>(string operation, RequestBuilder build, MessageParser<T> parse) where T : class =>
        _socket.Dump(stackalloc byte[RequestBufferSize], operation, build, parse);
}
