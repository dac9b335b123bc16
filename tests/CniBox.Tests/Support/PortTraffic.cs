using System.Net;
using System.Net.Sockets;
using System.Text;
using CniBox.Netlink.Namespaces;

namespace CniBox.Tests.Support;

/// <summary>
/// TCP and UDP echo servers and clients inside test namespaces, in-process: each socket is created inside its
/// namespace (NetNs.Run) and used from any thread afterwards. A server answers every request with its name, so a
/// test sees which container a host port reached.
/// </summary>
public sealed class EchoServer : IDisposable
{
    private readonly List<Socket> _sockets = [];
    private volatile bool _stopped;

    /// <summary>Listens on every address of both families (dual-stack) on <paramref name="port"/>, TCP and UDP.</summary>
    public EchoServer(TestNetns ns, string name, int port)
    {
        Name = name;
        using var handle = NetNsHandle.Open(ns.Path);
        foreach (var type in new[] { SocketType.Stream, SocketType.Dgram })
        {
            var s = NetNs.Run(handle, () => new Socket(AddressFamily.InterNetworkV6, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp));
            s.DualMode = true;
            s.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            _sockets.Add(s);
            if (type == SocketType.Stream)
            {
                s.Listen(16);
                new Thread(() => ServeTcp(s)) { IsBackground = true }.Start();
            }
            else
                new Thread(() => ServeUdp(s)) { IsBackground = true }.Start();
        }
    }

    public string Name { get; }

    private void ServeTcp(Socket listener)
    {
        while (!_stopped)
        {
            try
            {
                using var c = listener.Accept();
                var buffer = new byte[64];
                c.ReceiveTimeout = 2000;
                c.Receive(buffer);
                c.Send(Encoding.ASCII.GetBytes(Name));
                c.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException) { }
            catch (ObjectDisposedException) { return; }
        }
    }

    private void ServeUdp(Socket s)
    {
        var buffer = new byte[64];
        while (!_stopped)
        {
            try
            {
                EndPoint from = new IPEndPoint(IPAddress.IPv6Any, 0);
                s.ReceiveFrom(buffer, ref from);
                s.SendTo(Encoding.ASCII.GetBytes(Name), from);
            }
            catch (SocketException) { }
            catch (ObjectDisposedException) { return; }
        }
    }

    public void Dispose()
    {
        _stopped = true;
        foreach (var s in _sockets) s.Dispose();
    }
}

public static class PortTraffic
{
    /// <summary>
    /// Connects from <paramref name="ns"/> to <paramref name="address"/>:<paramref name="port"/> and returns the
    /// answering server's name, or null when nothing answers within the timeout (refused, dropped, unreachable).
    /// </summary>
    public static string? Ask(TestNetns ns, string address, int port, bool udp = false, int timeoutMs = 1500)
    {
        var ip = IPAddress.Parse(address);
        using var handle = NetNsHandle.Open(ns.Path);
        using var s = NetNs.Run(handle, () => new Socket(ip.AddressFamily, udp ? SocketType.Dgram : SocketType.Stream, udp ? ProtocolType.Udp : ProtocolType.Tcp));
        s.ReceiveTimeout = timeoutMs;
        s.SendTimeout = timeoutMs;
        try
        {
            if (udp)
            {
                s.Connect(ip, port);
                s.Send("who"u8);
            }
            else
            {
                var connect = s.ConnectAsync(ip, port);
                if (!connect.Wait(timeoutMs)) return null;
                s.Send("who"u8);
            }
            var buffer = new byte[64];
            var n = s.Receive(buffer);
            return n > 0 ? Encoding.ASCII.GetString(buffer, 0, n) : null;
        }
        catch (Exception e) when (e is SocketException or AggregateException)
        {
            return null;
        }
    }

    /// <summary>One UDP request from a fixed source port (one conntrack flow); the answering server's name, or null.</summary>
    public static string? AskUdpFrom(TestNetns ns, int sourcePort, string address, int port, int timeoutMs = 1500)
    {
        var ip = IPAddress.Parse(address);
        using var handle = NetNsHandle.Open(ns.Path);
        using var s = NetNs.Run(handle, () => new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp));
        s.ReceiveTimeout = timeoutMs;
        s.Bind(new IPEndPoint(ip.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, sourcePort));
        try
        {
            s.SendTo("who"u8, new IPEndPoint(ip, port));
            var buffer = new byte[64];
            var n = s.Receive(buffer);
            return n > 0 ? Encoding.ASCII.GetString(buffer, 0, n) : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>Like <see cref="Ask"/>, retried a few times until an answer comes (neighbour discovery, DAD).</summary>
    public static string? AskUntilAnswered(TestNetns ns, string address, int port, bool udp = false)
    {
        for (var i = 0; i < 5; i++)
        {
            if (Ask(ns, address, port, udp) is { } answer) return answer;
            Thread.Sleep(300);
        }
        return null;
    }
}
