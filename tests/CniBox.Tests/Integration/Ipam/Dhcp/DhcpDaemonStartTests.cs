using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Ipam.Dhcp;

/// <summary>
/// Where the daemon listens: the default /run/cni/dhcp.sock (proved in a private mount namespace with a tmpfs on
/// /run/cni, so the host's path is never touched) and the socket systemd passes (LISTEN_FDS, through
/// systemd-socket-activate). A CHECK for an unknown lease is the probe: only a live daemon can refuse it so.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class DhcpDaemonStartTests
{
    private string _dir = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        TestNetns.RequireRoot();
        _dir = Directory.CreateTempSubdirectory("cbt-dh-start-").FullName;
        File.WriteAllText(Path.Combine(_dir, "conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-dh-net\",\"type\":\"macvlan\",\"ipam\":{\"type\":\"dhcp\"" +
            "}}");
    }

    [TearDown]
    public void Destroy() => Directory.Delete(_dir, true);

    [Test]
    public void WithoutFlagsItListensOnRunCniDhcpSock()
    {
        var script = $$"""
            set -e
            mount -t tmpfs cbt-dh-tmpfs /run/cni
            {{Binaries.Cnibox}} dhcp daemon -statedir {{_dir}}/state 2>{{_dir}}/daemon.log &
            pid=$!
            for i in $(seq 100); do [ -S /run/cni/dhcp.sock ] && break; sleep 0.05; done
            CNI_COMMAND=CHECK CNI_CONTAINERID=cbt-dh-x CNI_NETNS=/proc/self/ns/net CNI_IFNAME=eth0 CNI_PATH={{Binaries.AppletDir}} \
              {{Binaries.Applet("dhcp")}} <{{_dir}}/conf || true
            kill $pid; wait $pid || true
            [ ! -e /run/cni/dhcp.sock ] && echo socket-removed
            """;
        var result = PluginProcess.Run("unshare", [], "", ["-m", "--propagation", "private", "sh", "-c", MkdirFirst(script)]);
        Assert.That(result.Stdout, Does.Contain("no live lease for cbt-dh-x/cbt-dh-net/eth0"), result.Stderr);
        Assert.That(result.Stdout, Does.Contain("socket-removed"), "SIGTERM removes the socket it bound");
        Assert.That(File.ReadAllText(Path.Combine(_dir, "daemon.log")), Does.Contain("listening on /run/cni/dhcp.sock"));
    }

    [Test]
    public void SocketActivatedItServesSystemdsSocket()
    {
        var socket = Path.Combine(_dir, "activated.sock");
        File.WriteAllText(Path.Combine(_dir, "conf"),
            $"{{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-dh-net\",\"type\":\"macvlan\",\"ipam\":{{\"type\":\"dhcp\",\"daemonSocketPath\":\"{socket}\"}}}}");
        var script = $$"""
            systemd-socket-activate -l {{socket}} {{Binaries.Cnibox}} dhcp daemon -statedir {{_dir}}/state 2>{{_dir}}/daemon.log &
            pid=$!
            for i in $(seq 100); do [ -S {{socket}} ] && break; sleep 0.05; done
            CNI_COMMAND=CHECK CNI_CONTAINERID=cbt-dh-y CNI_NETNS=/proc/self/ns/net CNI_IFNAME=eth0 CNI_PATH={{Binaries.AppletDir}} \
              {{Binaries.Applet("dhcp")}} <{{_dir}}/conf
            kill $pid; wait $pid
            """;
        var result = PluginProcess.Run("sh", [], "", ["-c", script]);
        Assert.That(result.Stdout, Does.Contain("no live lease for cbt-dh-y/cbt-dh-net/eth0"), result.Stderr);
        Assert.That(File.ReadAllText(Path.Combine(_dir, "daemon.log")), Does.Contain("listening on systemd's socket"));
    }

    /// <summary>/run/cni may not exist on this host: the private mount namespace makes it on a tmpfs over /run first.</summary>
    private static string MkdirFirst(string script) =>
        "[ -d /run/cni ] || { mount -t tmpfs cbt-dh-run /run && mkdir -p /run/cni; }\n" + script;
}
