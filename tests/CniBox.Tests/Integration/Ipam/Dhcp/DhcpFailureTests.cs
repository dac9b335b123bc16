using CniBox.Tests.Support;
using CniBox.Tests.Support.Dhcp;

namespace CniBox.Tests.Integration.Ipam.Dhcp;

/// <summary>No daemon, a daemon that never answers, a server that never answers, bad input: clean CNI errors, nothing left.</summary>
[Category("root"), NonParallelizable]
public sealed class DhcpFailureTests
{
    private DhcpLab _lab = null!;

    [SetUp]
    public void Create() => _lab = new DhcpLab(extraOptions: ["no-ping"]);

    [TearDown]
    public void Destroy() => _lab.Dispose();

    [Test]
    public void AddWithoutADaemonSaysHowToStartOneAndLeavesNoLink()
    {
        var c = _lab.Node.Container("dh-n");
        var socket = Path.Combine(_lab.Dir, "nobody.sock");
        var msg = CniAssert.Error(_lab.Node.Run(Binaries.Applet("macvlan"), "ADD", _lab.MacvlanConf(socket), c.Path, "cbt-dh-n1"), 999);
        Assert.That(msg, Does.Contain($"no dhcp daemon answers on {socket}"));
        Assert.That(msg, Does.Contain("cnibox dhcp daemon"));
        Assert.That(NetHarness.Links(c), Is.Empty, "the macvlan was rolled back");
    }

    [Test]
    public void SilentServerFailsAfterTheResendTimeoutAndLeavesNothing()
    {
        using var daemon = _lab.StartDaemon(false, "-timeout", "1s", "-resendmax", "2s", "-resendtimeout", "4s");
        _lab.StopDnsmasq();
        var c = _lab.Node.Container("dh-s");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var msg = CniAssert.Error(_lab.Node.Run(Binaries.Applet("macvlan"), "ADD", _lab.MacvlanConf(daemon.SocketPath), c.Path, "cbt-dh-s1"), 999);
        Assert.That(msg, Does.StartWith("dhcp: no DHCP lease within 4s"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(12)));
        Assert.That(NetHarness.Links(c), Is.Empty);
        Assert.That(Directory.Exists(daemon.StateDir) ? Directory.EnumerateFiles(daemon.StateDir) : [], Is.Empty);
    }

    [Test]
    public void DaemonThatNeverAnswersTimesOutWithAClearError()
    {
        using var daemon = _lab.StartDaemon();
        Tmds.Linux.LibC.kill(daemon.Pid, Tmds.Linux.LibC.SIGSTOP);
        try
        {
            var c = _lab.Node.Container("dh-t");
            var env = PluginProcess.Env("ADD", "cbt-dh-t1", c.Path, "eth0", Binaries.AppletDir);
            env["CNIBOX_DHCP_REPLY_TIMEOUT"] = "2";
            var result = PluginProcess.Run("ip", env, _lab.MacvlanConf(daemon.SocketPath),
                ["netns", "exec", _lab.Node.Host.Name, Binaries.Applet("macvlan")]);
            var msg = CniAssert.Error(result, 999);
            Assert.That(msg, Is.EqualTo($"dhcp: the daemon on {daemon.SocketPath} did not answer ADD within 2s"));
            Assert.That(NetHarness.Links(c), Is.Empty);
        }
        finally
        {
            Tmds.Linux.LibC.kill(daemon.Pid, Tmds.Linux.LibC.SIGCONT);
        }
    }

    [Test]
    public void UnknownRequestOptionIsAConfigError()
    {
        var c = _lab.Node.Container("dh-o");
        var ipam = _lab.Ipam("/nonexistent.sock", ",\"request\":[{\"option\":\"no-such-option\"}]");
        var msg = CniAssert.Error(_lab.Node.Run(Binaries.Applet("dhcp"), "ADD", NetHarness.Conf("macvlan", "1.0.0", ipam), c.Path), 7);
        Assert.That(msg, Is.EqualTo("dhcp: unknown DHCP option \"no-such-option\""));
    }

    [Test]
    public void WrongTypeIsADecodingError()
    {
        var c = _lab.Node.Container("dh-w");
        var ipam = "{\"type\":\"dhcp\",\"provide\":\"host-name\"}";
        var msg = CniAssert.Error(_lab.Node.Run(Binaries.Applet("dhcp"), "ADD", NetHarness.Conf("macvlan", "1.0.0", ipam), c.Path), 6);
        Assert.That(msg, Does.StartWith("failed to load netconf: json: cannot unmarshal string into Go struct field"));
    }
}
