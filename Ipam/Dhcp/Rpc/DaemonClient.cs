using System.Net.Sockets;
using CniBox.Spec;

namespace CniBox.Ipam.Dhcp.Rpc;

/// <summary>The plugin's side: connect, send the request, wait for the reply up to <paramref name="timeout"/>.</summary>
public static class DaemonClient
{
    public static DaemonReply Call(string socketPath, DaemonRequest request, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            throw new CniException(ErrorCode.Internal,
                $"dhcp: no dhcp daemon answers on {socketPath} ({e.Message}); start it with " +
                $"\"cnibox dhcp daemon\" (or enable cnibox-dhcp.socket){(socketPath == DhcpConfig.DefaultSocketPath ? "" : $" -socketpath {socketPath}")}");
        }
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            LineSocket.WriteAllAsync(socket, request.ToLine(), cancel.Token).GetAwaiter().GetResult();
            var line = LineSocket.ReadLineAsync(socket, cancel.Token).GetAwaiter().GetResult()
                ?? throw new CniException(ErrorCode.Internal, $"dhcp: the daemon on {socketPath} closed the connection without an answer");
            return DaemonReply.Parse(line);
        }
        catch (OperationCanceledException)
        {
            throw new CniException(ErrorCode.Internal,
                $"dhcp: the daemon on {socketPath} did not answer {request.Command} within {timeout.TotalSeconds:0.###}s");
        }
        catch (SocketException e)
        {
            throw new CniException(ErrorCode.Internal, $"dhcp: talking to the daemon on {socketPath}: {e.Message}");
        }
    }
}
