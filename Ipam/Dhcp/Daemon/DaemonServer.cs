using System.Net.Sockets;
using CniBox.Ipam.Dhcp.Rpc;
using Serilog;

namespace CniBox.Ipam.Dhcp.Daemon;

/// <summary>
/// The daemon's unix socket: the one systemd passed (LISTEN_FDS) or one bound at the socket path. A leftover
/// socket file that nobody answers on (a daemon killed with SIGKILL) is replaced; a live daemon is not.
/// </summary>
public sealed class DaemonServer(LeaseManager leases, ILogger log)
{
    public const int SystemdFirstFd = 3;

    /// <summary>systemd's socket when LISTEN_PID is this process and LISTEN_FDS ≥ 1, else null.</summary>
    public static Socket? FromSystemd(Func<string, string?> getenv)
    {
        if (getenv("LISTEN_PID") != Environment.ProcessId.ToString() || !int.TryParse(getenv("LISTEN_FDS"), out var n) || n < 1)
            return null;
        return new Socket(new SafeSocketHandle(SystemdFirstFd, ownsHandle: true));
    }

    public static Socket Bind(string path)
    {
        if (File.Exists(path))
        {
            if (Answers(path)) throw new IOException($"a dhcp daemon already listens on {path}");
            File.Delete(path);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(128);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool Answers(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Accepts until <paramref name="stop"/>; each connection is one request served on its own task.</summary>
    public async Task RunAsync(Socket listener, CancellationToken stop)
    {
        var inFlight = new HashSet<Task>();
        try
        {
            while (true)
            {
                var connection = await listener.AcceptAsync(stop);
                var task = ServeAsync(connection, stop);
                lock (inFlight) inFlight.Add(task);
                _ = task.ContinueWith(t => { lock (inFlight) inFlight.Remove(t); }, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        Task[] pending;
        lock (inFlight) pending = [.. inFlight];
        await Task.WhenAll(pending);
    }

    private async Task ServeAsync(Socket connection, CancellationToken stop)
    {
        using (connection)
        {
            try
            {
                var line = await LineSocket.ReadLineAsync(connection, stop);
                if (line is null) return;
                DaemonReply reply;
                try
                {
                    var request = DaemonRequest.Parse(line);
                    log.Debug("{Command} {ContainerId} {Netns} {IfName}", request.Command, request.ContainerId, request.Netns, request.IfName);
                    reply = await leases.HandleAsync(request, stop);
                }
                catch (FormatException e)
                {
                    reply = DaemonReply.Fail(Spec.ErrorCode.DecodingFailure, e.Message);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.Error(e, "request failed: {Error}", e.Message);
                    reply = DaemonReply.Fail(Spec.ErrorCode.Internal, "dhcp daemon: " + e.Message);
                }
                await LineSocket.WriteAllAsync(connection, reply.ToLine(), stop);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
            {
                log.Debug("connection ended: {Error}", e.Message);
            }
        }
    }
}
