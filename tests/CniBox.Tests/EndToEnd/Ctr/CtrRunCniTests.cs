using System.Text.Json;
using CniBox.Tests.Support;
using CniBox.Tests.Support.EndToEnd;

namespace CniBox.Tests.EndToEnd.Ctr;

/// <summary>
/// <c>ctr run --cni</c> of a busybox httpd against a private containerd in a node netns: ctr reads the first file
/// of the host's /etc/cni/net.d (a bridge + firewall conflist that sorts first) and runs cnibox's symlinks from
/// /opt/cni/bin; the container gets an address, the node reaches its server, and the DEL ctr sends with an empty
/// CNI_NETNS when the task has ended leaves nothing behind.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public class CtrRunCniTests
{
    private const string Network = "cbt-ctr-run";
    private const string Bridge = "cbtctr0";
    private const string Subnet = "10.199.91.0/24";

    private RuntimeNode? _node;
    private PrivateContainerd? _containerd;
    private CtrHostCniDirs? _hostDirs;

    private bool _ownsState;

    /// <summary>
    /// Called by the test, not as [SetUp]: NUnit 4.4.0 runs the test body even when an Assume in SetUp fails
    /// (nunit/nunit#5026), and these Assumes guard host state.
    /// </summary>
    private void Start()
    {
        Binaries.RequirePublished();
        PrivateContainerd.RequireTools();
        foreach (var dir in CtrState.Dirs(Network))
            Assume.That(Directory.Exists(dir), Is.False, $"{dir} exists: a leftover of another run");
        Assume.That(CtrState.CachedResults(Network), Is.Empty, "cached results of another run");
        _ownsState = true;
        _node = new RuntimeNode("ctr");
        _containerd = new PrivateContainerd(_node);
        _hostDirs = new CtrHostCniDirs("00-cbtctr.conflist", $$"""
            {
              "cniVersion": "1.0.0",
              "name": "{{Network}}",
              "plugins": [
                { "type": "bridge", "bridge": "{{Bridge}}", "isGateway": true, "ipMasq": true,
                  "ipam": { "type": "host-local", "ranges": [[{ "subnet": "{{Subnet}}" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
                { "type": "firewall" }
              ]
            }
            """);
        TestContext.Out.WriteLine($"runtime: {_node.Must("ctr", "--version").Trim()}, {PrivateContainerd.Version}; {_hostDirs.Found}");
    }

    [TearDown]
    public void TearDown()
    {
        _containerd?.Dispose();
        _hostDirs?.Dispose();
        _node?.Dispose();
        if (_ownsState) CtrState.Remove(Network);
        (_node, _containerd, _hostDirs, _ownsState) = (null, null, null, false);
    }

    [Test]
    public void TheContainerGetsAnAddressServesTheNodeAndItsEndLeavesNothing()
    {
        Start();
        var node = _node!;
        var id = $"cbt-ctr-{Guid.NewGuid().ToString("N")[..8]}";
        string ip;
        using (var task = new CtrTask(_containerd!, id, ["--cni"], "httpd", "-f", "-p", "80", "-h", "/www"))
        {
            var address = CtrState.Eth0Address(task.NetnsPath);
            Assert.That(address, Does.Match(@"^10\.199\.91\.\d+/24$"), $"the container's eth0 has an address of {Subnet}\n{node.Report()}");
            ip = address.Split('/')[0];
            Assert.That(CtrState.HttpGet(node, ip), Is.EqualTo(BusyboxRootfs.IndexHtml), $"the node reaches the container's httpd\n{node.Report()}");
            Assert.That(CtrState.IpFiles(Network), Is.EqualTo(new[] { ip }));
            Assert.That(CtrState.CachedResults(Network), Has.Length.EqualTo(1), "libcni cached ctr's ADD");

            Assert.That(task.Stop(), Is.EqualTo(137), $"ctr run ends with its SIGKILLed task: {task.Output}");
            Assert.That(task.Output, Does.Not.Contain("network review"), "ctr's DEL succeeded");
        }

        Assert.That(CtrState.IpFiles(Network), Is.Empty, $"host-local released {ip}\n{node.Report()}");
        Assert.That(CtrState.CachedResults(Network), Is.Empty, "libcni's result cache is gone");
        Assert.That(Directory.Exists(Path.Combine("/var/lib/cni/firewall", Network)), Is.False, "the firewall's records are gone");
        Assert.That(node.IpIn("-o", "link", "show", "type", "veth"), Is.Empty);
        Assert.That(node.Must("nft", "list", "ruleset") + node.Must("iptables-save"), Does.Not.Contain(ip),
            $"no masquerade or firewall rule is left\n{node.Report()}");

        var calls = CtrState.CallsLogged(node.PluginLog);
        string cid = $"{CtrTask.Namespace}-{id}";
        Assert.That(calls, Is.EqualTo(new[]
        {
            $"ADD bridge {cid} /proc/*/ns/net", $"ADD firewall {cid} /proc/*/ns/net", $"DEL firewall {cid} ", $"DEL bridge {cid} ",
        }), "cnibox (which alone writes CNIBOX_LOG_FILE) served every call; DEL with CNI_NETNS empty, in reverse");
    }
}
