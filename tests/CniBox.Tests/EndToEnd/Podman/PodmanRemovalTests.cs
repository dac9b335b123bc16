using CniBox.Tests.Support;
using CniBox.Tests.Support.EndToEnd;

namespace CniBox.Tests.EndToEnd.Podman;

/// <summary>
/// A dual-stack podman network (<c>--subnet</c> twice: cbtpod3, 10.199.84.0/24 and fd99:0:84::/64) on a node that
/// has never had an iptables table, so every plugin of the list writes nf_tables: the container gets a v6 address and
/// its published port answers on the bridge's v6 address; then <c>podman rm -f</c> and <c>podman network rm</c>
/// leave no link, no rule, no IP file, no cache entry and no plugin record of it. What stays is what Go's plugins
/// leave too: the shared tables with their base chains (ours: <c>inet cni_plugins_masquerade</c>, <c>ip</c> and
/// <c>ip6 cni_hostport</c>, <c>inet cnibox_firewall</c>), host-local's directory of the network with its
/// <c>lock</c> and <c>last_reserved_ip.N</c>, and the node's forwarding sysctls.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class PodmanRemovalTests
{
    private const string HostPort = "18184";
    private static readonly string[] SharedTables =
        ["table inet cni_plugins_masquerade", "table inet cnibox_firewall", "table ip cni_hostport", "table ip6 cni_hostport"];

    private PrivatePodman _podman = null!;
    private PodmanNetwork _network = null!;

    [OneTimeSetUp]
    public void CreateNetwork()
    {
        Binaries.RequirePublished();
        _podman = new PrivatePodman();
        _network = _podman.CreateNetwork("cbtpod-dual", "cbtpod3", "--subnet", "10.199.84.0/24", "--subnet", "fd99:0:84::/64");
    }

    [OneTimeTearDown]
    public void Stop() => _podman?.Dispose();

    [Test, Order(1)]
    public void DualStackContainerGetsAV6AddressAndItsPortAnswersOnV6()
    {
        _podman.RunWebServer("cbtpod-dual-web", _network, "-p", $"{HostPort}:80");
        try
        {
            var attachment = _podman.Inspect("cbtpod-dual-web", _network);
            Assert.That(attachment.Ipv6, Does.StartWith("fd99:0:84::"));
            Assert.That(_podman.Exec("cbtpod-dual-web", "ip", "-o", "-6", "addr", "show", "eth0"), Does.Contain($"inet6 {attachment.Ipv6}/64"));
            Assert.That(Curl($"http://[fd99:0:84::1]:{HostPort}/"), Is.EqualTo(BusyboxRootfs.IndexHtml), _podman.Node.Report());
        }
        finally
        {
            _podman.Remove("cbtpod-dual-web");
        }
    }

    [Test, Order(2)]
    public void RemovalLeavesOnlyTheSharedState()
    {
        var id = _podman.RunWebServer("cbtpod-gone", _network, "-p", $"{HostPort}:80");
        var attachment = _podman.Inspect("cbtpod-gone", _network);
        var sandbox = _podman.Must("inspect", "cbtpod-gone", "--format", "{{.NetworkSettings.SandboxKey}}").Trim();
        string[] traces = [id, attachment.Ipv4, attachment.Ipv6];
        // Every check below must see the container while it runs, or it could not fail after the removal.
        Assert.That(Ports(), Is.Not.Empty, "the container's veth on cbtpod3");
        Assert.That(Mentions(Firewall(), traces), Is.EquivalentTo(traces), "the container's rules");
        Assert.That(PodmanCniFiles.IpamFiles(_network.Name), Does.Contain(attachment.Ipv4).And.Contain(attachment.Ipv6));
        Assert.That(PodmanCniFiles.CachedResults(_network.Name), Is.EqualTo(new[] { $"{_network.Name}-{id}-eth0" }));
        Assert.That(PodmanCniFiles.PluginStateDirs(_network.Name), Has.Count.EqualTo(2), "portmap's registry and firewall's records");

        _podman.Remove("cbtpod-gone");

        var state = $"{PodmanCniFiles.Describe(_network.Name)}{Environment.NewLine}{_podman.Node.Report()}";
        Assert.Multiple(() =>
        {
            Assert.That(Ports(), Is.Empty, state);
            Assert.That(File.Exists(sandbox), Is.False, $"podman's netns file {sandbox}");
            Assert.That(Mentions(Firewall(), traces), Is.Empty, state);
            Assert.That(PodmanCniFiles.IpamFiles(_network.Name), Is.EqualTo(new[] { "last_reserved_ip.0", "last_reserved_ip.1", "lock" }), state);
            Assert.That(PodmanCniFiles.CachedResults(_network.Name), Is.Empty, state);
            Assert.That(PodmanCniFiles.PluginStateDirs(_network.Name), Is.Empty, state);
            Assert.That(PodmanCniFiles.TuningBackups(id), Is.Empty, state);
        });

        _podman.RemoveNetwork(_network);

        Assert.Multiple(() =>
        {
            Assert.That(_podman.Node.Run("ip", ["link", "show", "cbtpod3"]).ExitCode, Is.Not.EqualTo(0), "podman deletes the bridge");
            Assert.That(Tables(), Is.EqualTo(SharedTables), state);
            Assert.That(Mentions(Firewall(), ["cbtpod3", "10.199.84.", "fd99:0:84:"]), Is.Empty, state);
            Assert.That(PodmanCniFiles.IpamFiles(_network.Name), Is.EqualTo(new[] { "last_reserved_ip.0", "last_reserved_ip.1", "lock" }),
                "host-local's directory stays, as with Go's host-local");
        });
    }

    private string Curl(string url)
    {
        // The bridge's v6 address is usable once DAD is done: a second or so after the first container.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var curl = _podman.Node.Run("curl", ["-s", "-m", "2", url]);
            if (curl.ExitCode == 0 || DateTime.UtcNow > deadline) return curl.Stdout;
            Thread.Sleep(200);
        }
    }

    private string[] Ports() =>
        _podman.Node.IpIn("-o", "link", "show", "master", "cbtpod3").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private string Firewall() => PodmanTraces.Firewall(_podman.Node);

    private string[] Tables() => PodmanTraces.Tables(_podman.Node);

    private static string[] Mentions(string text, string[] traces) => PodmanTraces.Mentions(text, traces);
}
