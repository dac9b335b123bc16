using System.Text.Json;
using CniBox.Applets.CniTool;
using CniBox.Tests.Support;
using CniBox.Tests.Support.EndToEnd;

namespace CniBox.Tests.EndToEnd.Ctr;

/// <summary>
/// The containerd tutorial's flow, with cnibox's cnitool in the node netns (so ipMasq's rules are the node's):
/// <c>ip netns add</c>, <c>cnitool add</c> of a single <c>.conf</c> in the tutorial's shape (cniVersion 0.4.0 bridge,
/// isDefaultGateway, ipMasq, hairpinMode, host-local), <c>cnitool check</c>, <c>ctr run --with-ns</c> of a busybox
/// httpd, the node reaches it, <c>cnitool del</c>, <c>ip netns del</c>; and, unlike the tutorial with Go's tools,
/// /var/lib/cni/networks and /var/lib/cni/results need no manual cleanup after.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public class ContainerdTutorialTests
{
    private const string Network = "cbt-ctr-tutorial";
    private const string Bridge = "cbtctr1";
    private const string Gateway = "10.199.92.1";

    private RuntimeNode? _node;
    private PrivateContainerd? _containerd;
    private TestNetns? _container;
    private Dictionary<string, string> _cnitoolEnv = null!;
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
        var netconf = Directory.CreateDirectory(Path.Combine(_node.Dir, "net.d")).FullName;
        File.WriteAllText(Path.Combine(netconf, "10-tutorial.conf"), $$"""
            {
              "cniVersion": "0.4.0",
              "name": "{{Network}}",
              "type": "bridge",
              "bridge": "{{Bridge}}",
              "isDefaultGateway": true,
              "ipMasq": true,
              "hairpinMode": true,
              "ipam": { "type": "host-local", "subnet": "10.199.92.0/24" }
            }
            """);
        _cnitoolEnv = new() { ["NETCONFPATH"] = netconf, ["CNI_PATH"] = Binaries.AppletDir };
        TestContext.Out.WriteLine($"runtime: {_node.Must("ctr", "--version").Trim()}, {PrivateContainerd.Version}, cnibox cnitool " +
            _node.Must(Binaries.Cnibox, "--version").Trim());
    }

    [TearDown]
    public void TearDown()
    {
        _containerd?.Dispose();
        _container?.Dispose();
        _node?.Dispose();
        if (_ownsState) CtrState.Remove(Network);
        (_node, _containerd, _container, _ownsState) = (null, null, null, false);
    }

    private string Cnitool(string verb) =>
        _node!.Must(Binaries.Cnibox, ["cnitool", verb, Network, _container!.Path], _cnitoolEnv);

    [Test]
    public void CnitoolAddCheckCtrWithNsAndDelLeaveNoStateToCleanByHand()
    {
        Start();
        var node = _node!;
        _container = new TestNetns("ctrc");
        using var added = JsonDocument.Parse(Cnitool("add"));
        var result = added.RootElement;
        Assert.That(result.GetProperty("cniVersion").GetString(), Is.EqualTo("0.4.0"));
        var ip = result.GetProperty("ips")[0];
        Assert.That(ip.GetProperty("version").GetString(), Is.EqualTo("4"), "0.4.0's ips carry a version");
        string address = ip.GetProperty("address").GetString()!;
        Assert.That(address, Does.Match(@"^10\.199\.92\.\d+/24$"));
        Assert.That(ip.GetProperty("gateway").GetString(), Is.EqualTo(Gateway));
        Assert.That(result.GetProperty("routes").EnumerateArray().Select(r => $"{r.GetProperty("dst")} via {r.GetProperty("gw")}"),
            Is.EqualTo(new[] { $"0.0.0.0/0 via {Gateway}" }), "isDefaultGateway adds the default route");
        Assert.That(result.GetProperty("interfaces").EnumerateArray().Select(i => i.GetProperty("name").GetString()),
            Does.Contain(Bridge).And.Contain("eth0"));
        Assert.That(node.IpIn("-d", "-o", "link", "show", "type", "veth"), Does.Contain("hairpin on"), "hairpinMode on the bridge port");
        Assert.That(CtrState.Eth0Address(_container.Path), Is.EqualTo(address));
        Assert.That(_container.IpIn("route", "show", "default"), Does.Contain($"default via {Gateway}"));
        Assert.That(CtrState.CachedResults(Network), Has.Length.EqualTo(1), "cnitool cached the result as libcni does");

        Assert.That(Cnitool("check"), Is.Empty, "CHECK succeeds and prints nothing");

        string server = address.Split('/')[0];
        var id = $"cbt-ctr-{Guid.NewGuid().ToString("N")[..8]}";
        using (var task = new CtrTask(_containerd!, id, ["--with-ns", $"network:{_container.Path}"], "httpd", "-f", "-p", "80", "-h", "/www"))
        {
            Assert.That(CtrState.Eth0Address(task.NetnsPath), Is.EqualTo(address), "the task joined the tutorial's netns");
            Assert.That(CtrState.HttpGet(node, server), Is.EqualTo(BusyboxRootfs.IndexHtml), $"the node reaches the container's httpd\n{node.Report()}");
            Assert.That(task.Stop(), Is.EqualTo(137), task.Output);
        }

        Assert.That(Cnitool("del"), Is.Empty);
        _container.Dispose();
        Assert.That(File.Exists(_container.Path), Is.False, "ip netns del removed the netns");

        Assert.That(CtrState.IpFiles(Network), Is.Empty, "/var/lib/cni/networks holds no address of this test");
        Assert.That(Directory.EnumerateFileSystemEntries(CtrState.Dirs(Network)[0]).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "last_reserved_ip.0", "lock" }), "only host-local's bookkeeping stays, as with Go's");
        Assert.That(CtrState.CachedResults(Network), Is.Empty, "/var/lib/cni/results holds no result of this test");
        Assert.That(node.IpIn("-o", "link", "show", "type", "veth"), Is.Empty);
        Assert.That(node.Must("nft", "list", "ruleset") + node.Must("iptables-save"), Does.Not.Contain(server),
            $"no masquerade rule is left\n{node.Report()}");
        var cid = ContainerIdentity.ContainerId(_container.Path);
        Assert.That(CtrState.CallsLogged(node.PluginLog), Is.EqualTo(new[]
        {
            $"ADD bridge {cid} {_container.Path}", $"CHECK bridge {cid} {_container.Path}", $"DEL bridge {cid} {_container.Path}",
        }), "cnitool ran cnibox's bridge for each verb; ctr --with-ns calls no plugin");
    }
}
