using CniBox.Tests.Support;
using static CniBox.Tests.Integration.Applets.Portmap.PortmapNode;

namespace CniBox.Tests.Integration.Applets.Portmap;

/// <summary>
/// What portmap does beyond the traffic matrix: the CVE-2020-8558 guard, the duplicate-port warning, STATUS,
/// podman's call sequence, and the rule set read back against upstream 1.9's layout.
/// </summary>
[Category("root")]
public class PortmapGuardTests
{
    private PortmapNode _n = null!;

    private const string OnePort = "[{\"hostPort\":18080,\"containerPort\":8080,\"protocol\":\"tcp\"}]";

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        _n = new PortmapNode();
    }

    [TearDown]
    public void Destroy() => _n.Dispose();

    /// <summary>
    /// The container plays the attacker of CVE-2020-8558: it routes 127.0.0.2 to its gateway (lo's 127/8 route
    /// removed, route_localnet on its side) to reach a node service on 0.0.0.0. route_localnet=1, which portmap
    /// sets on the bridge, lets such packets in; our localnet_guard drops them. Without the guard they get through.
    /// </summary>
    [Test]
    public void ALocalhostPacketFromAContainerThatWeDidNotDnatIsDropped()
    {
        var c = _n.Container("cbt-pm-g1");
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-g1", _n.PortmapConf("cbt-pm-g1", OnePort)));
        using var nodeService = new EchoServer(_n.Node, "node", 18111);
        // lo's 127/8 route exists only while lo is up; without it 127.0.0.2 follows the route below.
        NsTraffic.Exec(c, "sh", "-c", "ip route del 127.0.0.0/8 dev lo table local 2>/dev/null; true");
        NsTraffic.Exec(c, "sysctl", "-qw", "net.ipv4.conf.eth0.route_localnet=1");
        c.IpIn("route", "add", "127.0.0.2/32", "via", BridgeV4, "dev", "eth0");
        Assert.That(PortTraffic.Ask(c, "127.0.0.2", 18111), Is.Null, "the guard drops it");

        NsTraffic.Nft(_n.Node, "flush chain ip cni_hostport localnet_guard");
        Assert.That(PortTraffic.AskUntilAnswered(c, "127.0.0.2", 18111), Is.EqualTo("node"), "the hole the guard closes is real");
    }

    /// <summary>
    /// The structure a first ADD made is left in place by the next (upstream rebuilds it: a flush is a rule deletion,
    /// whose grace period the socket's close waits for): its rules keep their kernel handles.
    /// </summary>
    [Test]
    public void ASecondContainersAddLeavesTheStructureInPlace()
    {
        _n.Container("cbt-pm-s1");
        _n.Container("cbt-pm-s2");
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-s1", _n.PortmapConf("cbt-pm-s1", OnePort)));
        var before = StructureHandles();
        Assert.That(before, Has.Count.EqualTo(5), "hostports_all (2), prerouting, output, localnet_guard");
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-s2", _n.PortmapConf("cbt-pm-s2", "[{\"hostPort\":18081,\"containerPort\":8080,\"protocol\":\"tcp\"}]")));
        Assert.That(StructureHandles(), Is.EqualTo(before));
        Assert.That(_n.Rules().Count(r => r.StartsWith("hostports|", StringComparison.Ordinal)), Is.EqualTo(2));
    }

    /// <summary>
    /// DEL finds the container's rules by the handles its ADD recorded; a record whose handles now name another
    /// container's rules (the table flushed and refilled) deletes nothing of theirs and falls back to the comments.
    /// </summary>
    [Test]
    public void DelUsesTheRecordedHandlesAndAStaleRecordTouchesNoOtherContainer()
    {
        _n.Container("cbt-pm-h1");
        _n.Container("cbt-pm-h2");
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-h1", _n.PortmapConf("cbt-pm-h1", OnePort)));
        var record = Path.Combine("/var/lib/cni/portmap", _n.Network, "cbt-pm-h1");
        var lines = File.ReadAllLines(record);
        Assert.That(lines, Has.Length.EqualTo(_n.Rules().Concat(_n.Rules("ip6")).Count(r => r.Contains("|cbt-pm-h1|"))));
        Assert.That(lines, Has.Some.Match("^ip hostports [0-9]+$").And.Some.Match("^ip masquerading [0-9]+$"));

        NsTraffic.Nft(_n.Node, "delete table ip cni_hostport");
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-h2", _n.PortmapConf("cbt-pm-h2", "[{\"hostPort\":18082,\"containerPort\":8080,\"protocol\":\"tcp\"}]")));
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-h1", _n.PortmapConf("cbt-pm-h1", OnePort)));
        var del = _n.Portmap("DEL", "cbt-pm-h1", _n.PortmapConf("cbt-pm-h1", OnePort));
        Assert.That(del.ExitCode, Is.EqualTo(0), del.Stdout + del.Stderr);
        var rules = _n.Rules();
        Assert.That(rules.Where(r => r.Contains("|cbt-pm-h1|")), Is.Empty);
        Assert.That(rules.Count(r => r.Contains("|cbt-pm-h2|")), Is.EqualTo(4), "1 DNAT and 3 masquerades of h2 stay");
        Assert.That(File.Exists(record), Is.False);
    }

    private List<string> StructureHandles()
    {
        var text = NftTestNetns.Run("ip", ["netns", "exec", _n.Node.Name, "nft", "-j", "-a", "list", "table", "ip", "cni_hostport"]);
        string[] structure = ["hostports_all", "prerouting", "output", "localnet_guard"];
        return System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out _)).Select(e => e.GetProperty("rule"))
            .Where(r => structure.Contains(r.GetProperty("chain").GetString()))
            .Select(r => $"{r.GetProperty("chain").GetString()} {r.GetProperty("handle").GetInt64()}").ToList();
    }

    [Test]
    public void AHostPortAlreadyPublishedWarnsNamingBothContainersAndTheFirstKeepsIt()
    {
        using var s1 = new EchoServer(_n.Container("cbt-pm-d1"), "d1", 8080);
        using var s2 = new EchoServer(_n.Container("cbt-pm-d2"), "d2", 8080);
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-d1", _n.PortmapConf("cbt-pm-d1", OnePort)));
        var second = _n.Portmap("ADD", "cbt-pm-d2", _n.PortmapConf("cbt-pm-d2", OnePort));
        CniAssert.Success(second);
        Assert.That(second.Stderr, Does.Contain("tcp/18080").And.Contain("cbt-pm-d1").And.Contain("cbt-pm-d2"));
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18080), Is.EqualTo("d1"), "the first rule wins, as with Go");
    }

    [Test]
    public void StatusSucceedsAndFailsWith50WithoutNfTables()
    {
        var conf = NetHarness.Conf("portmap", "1.1.0", "", "", _n.Network);
        CniAssert.SilentSuccess(_n.Portmap("STATUS", "", conf));
        var env = PluginProcess.Env("STATUS", "", "", "", Binaries.AppletDir);
        var denied = PluginProcess.Run("ip", env, conf,
            ["netns", "exec", _n.Node.Name, "setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin", Binaries.Applet("portmap")]);
        Assert.That(CniAssert.Error(denied, 50), Does.StartWith("portmap: nf_tables cannot be used: "));
    }

    /// <summary>Podman 4's sequence: VERSION with dummy env, ADD, DEL with the cached prevResult, DEL again.</summary>
    [Test]
    public void PodmansSequenceLeavesNoRuleBehind()
    {
        var version = PluginProcess.Run(Binaries.Applet("portmap"), PluginProcess.Env("VERSION", "dummy", "dummy", "dummy", "dummy"), "");
        Assert.That(version.ExitCode, Is.EqualTo(0), version.Stderr);
        Assert.That(version.Stdout, Does.Contain("\"supportedVersions\""));
        var c = _n.Container("cbt-pm-p1");
        using var s = new EchoServer(c, "p1", 8080);
        var conf = _n.PortmapConf("cbt-pm-p1", OnePort);
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-p1", conf));
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18080), Is.EqualTo("p1"));
        CniAssert.SilentSuccess(_n.Portmap("DEL", "cbt-pm-p1", conf));
        CniAssert.SilentSuccess(_n.Portmap("DEL", "cbt-pm-p1", conf));
        Assert.That(_n.Rules("ip").Concat(_n.Rules("ip6")).Where(r => r.Contains("|cbt-pm-p1|")), Is.Empty);
    }

    /// <summary>
    /// The rule set read back with <c>nft -j</c> equals what upstream 1.9's knftables transaction writes for the same
    /// container (the text below, loaded by nft in a second netns), plus our two documented additions.
    /// </summary>
    [Test]
    public void TheRuleSetIsUpstreamsLayoutPlusOurTwoRules()
    {
        _n.Container("cbt-pm-l1");
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-l1", _n.PortmapConf("cbt-pm-l1",
            "[{\"hostPort\":18080,\"containerPort\":8080,\"protocol\":\"tcp\"},{\"hostPort\":18081,\"containerPort\":81,\"protocol\":\"udp\",\"hostIP\":\"" + NodeV4 + "\"}]")));
        var ip = _n.Address("cbt-pm-l1");
        var ip6 = _n.Address("cbt-pm-l1", v6: true);
        using var upstream = new TestNetns("pmu");
        NsTraffic.Nft(upstream, Upstream("ip", ip, "") +
            $"; add rule ip cni_hostport masquerading ip saddr 127.0.0.1 ip daddr {ip} masquerade comment \"cbt-pm-l1\"" +
            $"; add rule ip cni_hostport masquerading ip saddr 10.199.101.0/24 ip daddr {ip} ct status dnat masquerade comment \"cbt-pm-l1\"" +
            "; add chain ip cni_hostport localnet_guard { type filter hook input priority 0 ; }" +
            "; add rule ip cni_hostport localnet_guard iifname != \"lo\" ip daddr 127.0.0.0/8 ct status & dnat == 0 drop");
        NsTraffic.Nft(upstream, Upstream("ip6", $"[{ip6}]", "") +
            $"; add rule ip6 cni_hostport masquerading ip6 saddr fd99:0:101::/64 ip6 daddr {ip6} ct status dnat masquerade comment \"cbt-pm-l1\"");
        foreach (var family in new[] { "ip", "ip6" })
        {
            Assert.That(ChainsOf(_n.Node, family), Is.EqualTo(ChainsOf(upstream, family)), family);
            Assert.That(_n.Rules(family), Is.EquivalentTo(RulesOf(upstream, family)), family);
        }
    }

    /// <summary>Upstream 1.9's transaction for one container with the two mappings of the test (knftables text).</summary>
    private static string Upstream(string f, string target, string conditions)
    {
        var daddr = f == "ip" ? $"ip daddr {NodeV4} " : null;
        var bare = target.Trim('[', ']');
        var x = f == "ip" ? "ip" : "ip6";
        return string.Join("; ",
            $"add table {f} cni_hostport {{ comment \"CNI portmap plugin\" ; }}",
            $"add chain {f} cni_hostport hostports", $"add chain {f} cni_hostport hostip_hostports",
            $"add chain {f} cni_hostport hostports_all",
            $"add rule {f} cni_hostport hostports_all jump hostip_hostports", $"add rule {f} cni_hostport hostports_all jump hostports",
            $"add chain {f} cni_hostport prerouting {{ type nat hook prerouting priority -100 ; }}",
            $"add rule {f} cni_hostport prerouting {conditions}fib daddr type local jump hostports_all",
            $"add chain {f} cni_hostport output {{ type nat hook output priority -100 ; }}",
            $"add rule {f} cni_hostport output {conditions}fib daddr type local jump hostports_all",
            $"add chain {f} cni_hostport masquerading {{ type nat hook postrouting priority 100 ; }}",
            $"add rule {f} cni_hostport hostports tcp dport 18080 dnat to {target}:8080 comment \"cbt-pm-l1\"") +
            (daddr is null ? "" : $"; add rule {f} cni_hostport hostports {daddr}udp dport 18081 dnat to {target}:81 comment \"cbt-pm-l1\"") +
            $"; add rule {f} cni_hostport masquerading {x} saddr {bare} {x} daddr {bare} masquerade comment \"cbt-pm-l1\"";
    }
}
