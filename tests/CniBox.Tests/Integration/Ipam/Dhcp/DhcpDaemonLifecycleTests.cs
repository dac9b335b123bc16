using System.Diagnostics;
using CniBox.Tests.Support;
using CniBox.Tests.Support.Dhcp;

namespace CniBox.Tests.Integration.Ipam.Dhcp;

/// <summary>
/// The daemon across restarts: leases survive a SIGTERM and are renewed by the next daemon; a SIGKILL mid-ADD leaves a
/// socket file that does not block the next start; renewal happens at T1 (dnsmasq's T1 option shortens it to seconds).
/// </summary>
[Category("root"), NonParallelizable]
public sealed class DhcpDaemonLifecycleTests
{
    private DhcpLab _lab = null!;

    [TearDown]
    public void Destroy() => _lab.Dispose();

    [Test]
    public void LeaseIsRenewedAtT1()
    {
        _lab = new DhcpLab("2m", ["no-ping", "dhcp-option=option:T1,4", "dhcp-option=option:T2,8"]);
        using var daemon = _lab.StartDaemon();
        var c = _lab.Node.Container("dh-r");
        var conf = _lab.MacvlanConf(daemon.SocketPath);
        var result = CniAssert.Success(_lab.Node.Run(Binaries.Applet("macvlan"), "ADD", conf, c.Path, "cbt-dh-r1"));
        var ip = result.GetProperty("ips")[0].GetProperty("address").GetString()!.Split('/')[0];
        var firstExpiry = long.Parse(_lab.Dnsmasq.LeaseOf(ip)![0]);

        var watch = Stopwatch.StartNew();
        while (Acks(ip) < 2 && watch.Elapsed < TimeSpan.FromSeconds(15)) Thread.Sleep(200);
        Assert.That(Acks(ip), Is.GreaterThanOrEqualTo(2), _lab.Dnsmasq.Log());
        Assert.That(watch.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2)).And.LessThan(TimeSpan.FromSeconds(8)), "renewed at T1 (4 s)");
        Thread.Sleep(300);
        Assert.That(long.Parse(_lab.Dnsmasq.LeaseOf(ip)![0]), Is.GreaterThan(firstExpiry), "the lease's expiry moved");
        Assert.That(daemon.Log(), Does.Contain($"renewed {ip}"));
        CniAssert.SilentSuccess(_lab.Node.Run(Binaries.Applet("macvlan"), "DEL", conf, c.Path, "cbt-dh-r1"));
    }

    [Test]
    public void LeasesSurviveADaemonRestartAndAreRenewedByTheNextOne()
    {
        _lab = new DhcpLab("2m", ["no-ping", "dhcp-option=option:T1,5", "dhcp-option=option:T2,9"]);
        var daemon = _lab.StartDaemon();
        var c = _lab.Node.Container("dh-a");
        var conf = _lab.MacvlanConf(daemon.SocketPath);
        var result = CniAssert.Success(_lab.Node.Run(Binaries.Applet("macvlan"), "ADD", conf, c.Path, "cbt-dh-a1"));
        var ip = result.GetProperty("ips")[0].GetProperty("address").GetString()!.Split('/')[0];
        Assert.That(daemon.Terminate(TimeSpan.FromSeconds(5)), "SIGTERM ends the daemon");
        Assert.That(File.Exists(daemon.SocketPath), Is.False, "its socket file is removed");
        Assert.That(Directory.EnumerateFiles(daemon.StateDir), Has.Exactly(1).Items, "the lease stays on disk");
        daemon.Dispose();

        using var next = _lab.StartDaemon();
        Assert.That(next.Log(), Does.Contain($"resuming lease {ip}"));
        CniAssert.SilentSuccess(_lab.Node.Run(Binaries.Applet("dhcp"), "CHECK", CniJson.WithPrevResult(conf, result.GetRawText()), c.Path, "cbt-dh-a1"));
        var watch = Stopwatch.StartNew();
        while (!next.Log().Contains($"renewed {ip}") && watch.Elapsed < TimeSpan.FromSeconds(15)) Thread.Sleep(200);
        Assert.That(next.Log(), Does.Contain($"renewed {ip}"), "the new daemon renews the old lease");

        CniAssert.SilentSuccess(_lab.Node.Run(Binaries.Applet("macvlan"), "DEL", conf, c.Path, "cbt-dh-a1"));
        Assert.That(_lab.Dnsmasq.LeaseOf(ip), Is.Null, "the new daemon released it");
    }

    [Test]
    public void SigkillMidAddLeavesNoSocketThatBlocksTheNextStart()
    {
        _lab = new DhcpLab(extraOptions: ["no-ping"]);
        _lab.StopDnsmasq();
        var daemon = _lab.StartDaemon(false, "-timeout", "1s", "-resendtimeout", "30s");
        var c = _lab.Node.Container("dh-k");
        var conf = _lab.MacvlanConf(daemon.SocketPath);
        var add = Task.Run(() => _lab.Node.Run(Binaries.Applet("macvlan"), "ADD", conf, c.Path, "cbt-dh-k1"));
        Thread.Sleep(1500);
        daemon.KillHard();
        var failed = add.Result;
        Assert.That(CniAssert.Error(failed, 999), Does.Contain("closed the connection without an answer"));
        Assert.That(File.Exists(daemon.SocketPath), "SIGKILL leaves the socket file");
        Assert.That(NetHarness.Links(c), Is.Empty);
        daemon.Dispose();

        using var dnsmasq = _lab.StartDnsmasq("1h", ["no-ping"]);
        using var next = _lab.StartDaemon();
        var result = CniAssert.Success(_lab.Node.Run(Binaries.Applet("macvlan"), "ADD", conf, c.Path, "cbt-dh-k1"));
        var ip = result.GetProperty("ips")[0].GetProperty("address").GetString()!.Split('/')[0];
        Assert.That(dnsmasq.LeaseOf(ip), Is.Not.Null);
        CniAssert.SilentSuccess(_lab.Node.Run(Binaries.Applet("macvlan"), "DEL", conf, c.Path, "cbt-dh-k1"));
    }

    [Test]
    public void ASecondDaemonOnALiveSocketRefusesToStart()
    {
        _lab = new DhcpLab(extraOptions: ["no-ping"]);
        using var daemon = _lab.StartDaemon();
        var second = PluginProcess.Run("ip", [], "", ["netns", "exec", _lab.Node.Host.Name, Binaries.Cnibox, "dhcp", "daemon",
            "-socketpath", daemon.SocketPath, "-statedir", daemon.StateDir]);
        Assert.That(second.ExitCode, Is.EqualTo(1));
        Assert.That(second.Stderr, Does.Contain($"a dhcp daemon already listens on {daemon.SocketPath}"));
        Assert.That(daemon.HasExited, Is.False);
    }

    private int Acks(string ip) =>
        _lab.Dnsmasq.Log().Split('\n').Count(l => l.Contains("DHCPACK(cbtdhm1) " + ip));
}
