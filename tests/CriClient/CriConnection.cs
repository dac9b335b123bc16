using System.Net.Sockets;
using CriClient.Api;
using Grpc.Net.Client;

namespace CriClient;

/// <summary>
/// A CRI RuntimeService client on a runtime's unix socket, the way kubelet dials it: HTTP/2 without TLS
/// ("http://localhost" only names the authority), every connection opened on the socket path.
/// </summary>
public sealed class CriConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    public CriConnection(string socketPath)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler });
        Runtime = new RuntimeService.RuntimeServiceClient(_channel);
    }

    public string SocketPath { get; }

    public RuntimeService.RuntimeServiceClient Runtime { get; }

    public void Dispose() => _channel.Dispose();
}
