using System.Diagnostics;
using System.Net.Sockets;
using CniBox.Applets.Firewall.Firewalld;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Firewall.Firewalld;

/// <summary>The client where there is no firewalld to ask: no bus, a bus that never answers, the bus address.</summary>
public class FirewalldClientTests
{
    private static readonly FirewalldTimeouts Short = new(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300));

    [Test]
    public void SystemBusIsTheEnvironmentsElseDebiansSocket()
    {
        Assert.That(FirewalldClient.SystemBusAddress(k => k == "DBUS_SYSTEM_BUS_ADDRESS" ? "unix:path=/tmp/x" : null), Is.EqualTo("unix:path=/tmp/x"));
        Assert.That(FirewalldClient.SystemBusAddress(_ => null), Is.EqualTo("unix:path=/run/dbus/system_bus_socket"));
        Assert.That(FirewalldClient.SystemBusAddress(_ => ""), Is.EqualTo("unix:path=/run/dbus/system_bus_socket"));
    }

    [Test]
    public void WithoutABusHasOwnerIsFalseAtOnce()
    {
        var dir = Directory.CreateTempSubdirectory("cbt-fwd-");
        try
        {
            using var client = new FirewalldClient("unix:path=" + Path.Combine(dir.FullName, "none"), Serilog.Core.Logger.None);
            var clock = Stopwatch.StartNew();
            Assert.That(client.HasOwner(), Is.False);
            Assert.That(clock.Elapsed, Is.LessThan(FirewalldTimeouts.Default.Connect), "a missing socket is known without waiting");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Test]
    public void WithoutABusAddSourceSaysItCannotConnect()
    {
        var dir = Directory.CreateTempSubdirectory("cbt-fwd-");
        try
        {
            var address = "unix:path=" + Path.Combine(dir.FullName, "none");
            using var client = new FirewalldClient(address, Serilog.Core.Logger.None);
            var e = Assert.Throws<CniException>(() => client.AddSource("trusted", "10.199.155.2/32"))!;
            Assert.That(e.Code, Is.EqualTo(ErrorCode.Internal));
            Assert.That(e.Msg, Is.EqualTo($"failed to add the address 10.199.155.2/32 to trusted zone: cannot connect to the system bus {address}: {Path.Combine(dir.FullName, "none")}: No such file or directory"));
            Assert.That(client.RemoveSource("trusted", "10.199.155.2/32"), Is.False, "DEL ignores it, as Go");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [TestCase("unix:path=/nonexistent/cbt-bus", "/nonexistent/cbt-bus")]
    [TestCase("unix:path=/nonexistent/cbt-bus,guid=0123", "/nonexistent/cbt-bus")]
    [TestCase("unix:path=/", null, Description = "exists (a directory): the library decides")]
    [TestCase("unix:path=/nonexistent/a;unix:path=/nonexistent/b", null, Description = "several entries")]
    [TestCase("unix:path=/nonexistent/a%20b", null, Description = "escaped path")]
    [TestCase("unix:abstract=cbt-bus", null)]
    [TestCase("tcp:host=127.0.0.1,port=1", null)]
    [TestCase("unix:path=", null)]
    public void AMissingSocketFileIsKnownBeforeConnecting(string address, string? missing) =>
        Assert.That(FirewalldClient.MissingUnixSocket(address), Is.EqualTo(missing));

    [Test]
    public void ABusThatNeverAnswersCostsOneTimeoutThenFailsAtOnce()
    {
        var dir = Directory.CreateTempSubdirectory("cbt-fwd-");
        var socketPath = Path.Combine(dir.FullName, "hung");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen();
        try
        {
            using var client = new FirewalldClient("unix:path=" + socketPath, Serilog.Core.Logger.None, Short);
            var clock = Stopwatch.StartNew();
            Assert.That(client.HasOwner(), Is.False);
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
            clock.Restart();
            var e = Assert.Throws<CniException>(() => client.QuerySource("trusted", "10.199.155.2/32"))!;
            Assert.That(e.Msg, Does.StartWith("failed to find the address 10.199.155.2/32 in trusted zone: no answer on unix:path="));
            Assert.That(e.Msg, Does.Contain("within 0.3s while connecting"));
            Assert.That(clock.Elapsed, Is.LessThan(Short.Connect), "after one timeout the client does not wait again");
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
