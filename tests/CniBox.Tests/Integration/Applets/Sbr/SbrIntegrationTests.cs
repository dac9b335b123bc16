using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Sbr;

/// <summary>
/// sbr as a runtime runs it after a plugin that left two links in the container (<c>cbt-hd-*</c>): cbthda
/// (10.199.217.2/24, the default route) and cbthdb (10.199.245.2/24), whose peers sit in a second netns playing the
/// network, which also owns 10.199.246.1 on lo. sbr on cbthdb makes replies from 10.199.245.2 leave by cbthdb.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class SbrIntegrationTests
{
    private TestNetns _container = null!;
    private TestNetns _network = null!;
    private string _cid = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        _container = new TestNetns("hd");
        _network = new TestNetns("hd");
        _cid = "cbt-hd-" + Guid.NewGuid().ToString("N")[..8];
        // Strict reverse-path filtering would drop a request arriving on cbthdb from an address routed via cbthda.
        foreach (var key in new[] { "all", "default" })
            TestNetns.Ip("netns", "exec", _container.Name, "sysctl", "-qw", $"net.ipv4.conf.{key}.rp_filter=0");
        foreach (var (link, peer, ours, theirs) in new[] { ("cbthda", "cbthdra", "10.199.217.2/24", "10.199.217.1/24"), ("cbthdb", "cbthdrb", "10.199.245.2/24", "10.199.245.1/24") })
        {
            _container.IpIn("link", "add", link, "type", "veth", "peer", "name", peer, "netns", _network.Name);
            _container.IpIn("addr", "add", ours, "dev", link);
            _container.IpIn("link", "set", link, "up");
            _network.IpIn("addr", "add", theirs, "dev", peer);
            _network.IpIn("link", "set", peer, "up");
        }
        // No IPv6 chatter (router solicitations, MLD) on cbthda: the traffic test counts its packets.
        TestNetns.Ip("netns", "exec", _container.Name, "sysctl", "-qw", "net.ipv6.conf.cbthda.disable_ipv6=1");
        _container.IpIn("addr", "add", "fd99:0:245::2/64", "dev", "cbthdb", "nodad");
        _container.IpIn("route", "add", "default", "via", "10.199.217.1", "dev", "cbthda");
        _network.IpIn("addr", "add", "10.199.246.1/32", "dev", "lo");
        _network.IpIn("link", "set", "lo", "up");
    }

    [TearDown]
    public void Destroy()
    {
        _container.Dispose();
        _network.Dispose();
    }

    private ProcessResult Run(string verb, string conf, string ifName = "cbthdb") =>
        PluginProcess.Run(Binaries.Applet("sbr"), PluginProcess.Env(verb, _cid, _container.Path, ifName, Binaries.AppletDir), conf);

    private string Conf(string extra = "", bool withV6 = false) => NetHarness.Conf("sbr", "1.0.0", "", extra +
        ",\"prevResult\":{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"cbthda\",\"sandbox\":\"" + _container.Path + "\"}," +
        "{\"name\":\"cbthdb\",\"sandbox\":\"" + _container.Path + "\"}],\"ips\":[{\"address\":\"10.199.217.2/24\",\"interface\":0}," +
        "{\"address\":\"10.199.245.2/24\",\"gateway\":\"10.199.245.1\",\"interface\":1}" +
        (withV6 ? ",{\"address\":\"fd99:0:245::2/64\",\"gateway\":\"fd99:0:245::1\",\"interface\":1}" : "") + "]}");

    private long Packets(TestNetns ns, string dev, string direction) =>
        JsonDocument.Parse(ns.IpIn("-s", "-j", "link", "show", "dev", dev)).RootElement[0].GetProperty("stats64").GetProperty(direction).GetProperty("packets").GetInt64();

    /// <summary>Pings 10.199.245.2 from 10.199.246.1 (the request enters by cbthdb); how many packets the replies put on each link.</summary>
    private (long ViaA, long ViaB) RepliesOfThreePings()
    {
        var a = Packets(_container, "cbthda", "tx");
        var b = Packets(_container, "cbthdb", "tx");
        TestNetns.Ip("netns", "exec", _network.Name, "ping", "-c3", "-i0.2", "-W1", "-I", "10.199.246.1", "10.199.245.2");
        return (Packets(_container, "cbthda", "tx") - a, Packets(_container, "cbthdb", "tx") - b);
    }

    private string Rules() => _container.IpIn("rule") + _container.IpIn("-6", "rule");

    /// <summary>Every table but local, whose IPv6 link-local entries arrive when DAD ends, whenever that is.</summary>
    private string Routes() =>
        string.Join('\n', _container.IpIn("route", "show", "table", "all").Split('\n').Where(l => !l.Contains("table local")).Order(StringComparer.Ordinal));

    [Test]
    public void RepliesLeaveByTheSourcesTable()
    {
        Assert.That(RepliesOfThreePings().ViaA, Is.GreaterThanOrEqualTo(3), "without sbr the replies follow the default route");
        CniAssert.Success(Run("ADD", Conf()));
        Assert.That(Rules(), Does.Contain("from 10.199.245.2 lookup 100"));
        var (viaA, viaB) = RepliesOfThreePings();
        Assert.That((viaA, viaB >= 3), Is.EqualTo((0L, true)), "replies from 10.199.245.2 leave by cbthdb");
    }

    [Test]
    public void DelRemovesTheRulesAndTablesAndGivesMainItsRoutesBack()
    {
        var rulesBefore = Rules();
        var routesBefore = Routes();
        CniAssert.Success(Run("ADD", Conf(withV6: true)));
        Assert.That(Rules(), Does.Contain("from 10.199.245.2 lookup 100").And.Contain("from fd99:0:245::2 lookup 101"));
        var routes = Routes();
        Assert.That(routes, Does.Contain("default via 10.199.245.1 dev cbthdb table 100 proto static"));
        Assert.That(routes, Does.Contain("10.199.245.0/24 dev cbthdb table 100 proto kernel scope link src 10.199.245.2"));
        Assert.That(routes, Does.Contain("default via fd99:0:245::1 dev cbthdb table 101 proto static"));
        Assert.That(_container.IpIn("route", "show", "dev", "cbthdb"), Is.Empty, "the link's routes left main");
        CniAssert.SilentSuccess(Run("DEL", Conf(withV6: true)));
        Assert.That((Rules(), Routes()), Is.EqualTo((rulesBefore, routesBefore)));
        CniAssert.SilentSuccess(Run("DEL", Conf(withV6: true)));
    }

    [Test]
    public void EachAddressGetsTheNextFreeTable()
    {
        _container.IpIn("rule", "add", "from", "10.199.248.1", "lookup", "100");
        _container.IpIn("route", "add", "10.199.249.0/24", "dev", "cbthda", "table", "101");
        CniAssert.Success(Run("ADD", Conf(withV6: true)));
        Assert.That(Rules(), Does.Contain("from 10.199.245.2 lookup 102").And.Contain("from fd99:0:245::2 lookup 103"));
    }

    [Test]
    public void AConfiguredTableGetsTheRulesOnly()
    {
        var routesBefore = Routes();
        CniAssert.Success(Run("ADD", Conf(",\"table\":250")));
        Assert.That(Rules(), Does.Contain("from 10.199.245.2 lookup 250"));
        Assert.That(Routes(), Is.EqualTo(routesBefore));
        CniAssert.SilentSuccess(Run("DEL", Conf(",\"table\":250")));
        Assert.That(Rules(), Does.Not.Contain("10.199.245.2"));
    }

    [Test]
    public void ConfiguredGatewaysAndSourceHints()
    {
        _network.IpIn("addr", "add", "10.199.245.254/24", "dev", "cbthdrb");
        CniAssert.Success(Run("ADD", Conf(",\"gateways\":[\"10.199.245.254\"],\"addSourceHints\":true")));
        Assert.That(_container.IpIn("route", "show", "table", "100"), Does.Contain("default via 10.199.245.254 dev cbthdb"));
        Assert.That(_container.IpIn("route", "show", "dev", "cbthdb"), Does.Contain("10.199.245.0/24 proto kernel scope link src 10.199.245.2"),
            "the subnet route stays in main with the address as its source");
    }

    [Test]
    public void AddWaitsForTheFlockOnTheNetnsFileAsGosDoes()
    {
        // flock(1) holds LOCK_EX on the netns file for a second, as a concurrent Go sbr would.
        using var holder = System.Diagnostics.Process.Start("flock", [_container.Path, "sleep", "1"])!;
        Thread.Sleep(200);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        CniAssert.Success(Run("ADD", Conf()));
        Assert.That(watch.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(500)), "ADD ran while the lock was held");
        holder.WaitForExit();
    }

    [Test]
    public void BadInputsWithGosCodes()
    {
        var before = Rules() + Routes();
        Assert.That(CniAssert.Error(Run("ADD", NetHarness.Conf("sbr", "1.0.0", "")), 999), Is.EqualTo("This plugin must be called as chained plugin"));
        Assert.That(CniAssert.Error(Run("ADD", NetHarness.Conf("sbr", "1.0.0", "", ",\"prevResult\":{\"cniVersion\":\"1.0.0\"}")), 999),
            Is.EqualTo("No IP addresses supplied on interface: cbthdb"));
        Assert.That(CniAssert.Error(Run("ADD", Conf(), ifName: "cbthdz"), 999), Is.EqualTo("Cannot find network interface cbthdz: Link not found"));
        Assert.That(CniAssert.Error(Run("ADD", NetHarness.Conf("sbr", "1.0.0", "", ",\"table\":\"x\"")), 6),
            Is.EqualTo("failed to parse network configuration: json: cannot unmarshal string into Go struct field NetConf.table of type int"));
        Assert.That(Rules() + Routes(), Is.EqualTo(before));
        CniAssert.SilentSuccess(Run("CHECK", NetHarness.Conf("sbr", "1.0.0", "")));
    }
}
