using CniBox.Tests.Support;
using static CniBox.Tests.Integration.Applets.Portmap.PortmapNode;

namespace CniBox.Tests.Integration.Applets.Portmap;

/// <summary>
/// UDP conntrack entries of a host port, in a node netns that already tracks connections (as any node with a NAT
/// rule does): ADD flushes the ones made before the DNAT rule, so the same flow reaches the container (as Go); DEL
/// flushes the DNAT'd ones, so a flow stops going to the removed container (Go 1.1.1 leaves them: upstream #1190).
/// </summary>
[Category("root"), NonParallelizable]
public sealed class PortmapConntrackTests
{
    private const int HostPort = 18090, ContainerPort = 7000;
    private const string Mapping = "[{\"hostPort\":18090,\"containerPort\":7000,\"protocol\":\"udp\"}]";

    private PortmapNode _n = null!;
    private EchoServer _echo = null!;
    private TestNetns _c1 = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        TestNetns.RequireRoot();
        Assume.That(File.Exists("/usr/sbin/conntrack"), "needs conntrack (tests/deps.sh) as the oracle");
        _n = new PortmapNode();
        _c1 = _n.Container("c1");
        _echo = new EchoServer(_c1, "c1", ContainerPort);
        NftTestNetns.Run("ip", ["netns", "exec", _n.Node.Name, "nft", "-f", "-"], stdin:
            "table inet cbtpmct {\n chain pre {\n  type filter hook prerouting priority 0\n  ct state new counter\n }\n}\n");
    }

    [TearDown]
    public void Destroy()
    {
        _echo.Dispose();
        _n.Dispose();
    }

    [Test]
    public void AddFlushesTheEntryMadeBeforeTheRuleSoTheSameFlowReachesTheContainer()
    {
        Assert.That(PortTraffic.AskUdpFrom(_n.Outside, 40001, NodeV4, HostPort), Is.Null, "nothing listens on the node");
        Assert.That(Entries(), Has.Count.EqualTo(1), "the flow to the node itself is tracked");
        CniAssert.Success(_n.Portmap("ADD", "c1", _n.PortmapConf("c1", Mapping)));
        Assert.That(PortTraffic.AskUdpFrom(_n.Outside, 40001, NodeV4, HostPort), Is.EqualTo("c1"),
            "the same 5-tuple is DNAT'd now: its stale entry was flushed");
    }

    [Test]
    public void DelFlushesTheDnatEntriesSoTheFlowNoLongerGoesToTheContainer()
    {
        CniAssert.Success(_n.Portmap("ADD", "c1", _n.PortmapConf("c1", Mapping)));
        Assert.That(PortTraffic.AskUdpFrom(_n.Outside, 40002, NodeV4, HostPort), Is.EqualTo("c1"));
        Assert.That(Entries(), Has.Count.EqualTo(1));
        var del = _n.Portmap("DEL", "c1", _n.PortmapConf("c1", mappings: null));
        Assert.That(del.ExitCode, Is.EqualTo(0), del.Stdout + del.Stderr);
        Assert.That(Entries(), Is.Empty, "DEL without portMappings still knows the UDP host port from its rules");
        Assert.That(PortTraffic.AskUdpFrom(_n.Outside, 40002, NodeV4, HostPort), Is.Null, "the container no longer answers");
    }

    /// <summary>
    /// A node tracking no connection is not dumped (the dump walks the global hash); one entry is enough to dump. The
    /// node's own IPv6 chatter can be tracked between the flush and the ADD, so the ADD gets three tries.
    /// </summary>
    [Test]
    public void OnlyANodeThatTracksConnectionsIsDumped()
    {
        ProcessResult add = null!;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (attempt > 0) Debug("DEL", _n.PortmapConf("c1", Mapping));
            NftTestNetns.Run("ip", ["netns", "exec", _n.Node.Name, "conntrack", "-F"], allowFailure: true);
            add = Debug("ADD", _n.PortmapConf("c1", Mapping));
            if (add.Stderr.Contains("tracks no connection")) break;
        }
        Assert.That(add.Stderr, Does.Contain("tracks no connection").And.Not.Contain("deleted"), add.Stderr);
        Assert.That(PortTraffic.AskUdpFrom(_n.Outside, 40004, NodeV4, HostPort), Is.EqualTo("c1"));
        var del = Debug("DEL", _n.PortmapConf("c1", Mapping));
        Assert.That(del.Stderr, Does.Contain("deleted 1 UDP conntrack entries").And.Not.Contain("tracks no connection"), del.Stderr);
    }

    private ProcessResult Debug(string verb, string conf)
    {
        var env = PluginProcess.Env(verb, "c1", _c1.Path, "eth0", Binaries.AppletDir);
        env["CNIBOX_LOG_LEVEL"] = "Debug";
        var result = PluginProcess.Run("ip", env, conf, ["netns", "exec", _n.Node.Name, Binaries.Applet("portmap")]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stdout + result.Stderr);
        return result;
    }

    [Test]
    public void GoDelLeavesTheDnatEntriesBehind()
    {
        Binaries.RequireGoPlugin("portmap");
        var conf = _n.PortmapConf("c1", Mapping);
        Assert.That(_n.H.Run(Binaries.GoPlugin("portmap"), "ADD", conf, _c1.Path, "c1", goPath: true).ExitCode, Is.EqualTo(0));
        Assert.That(PortTraffic.AskUdpFrom(_n.Outside, 40003, NodeV4, HostPort), Is.EqualTo("c1"));
        Assert.That(_n.H.Run(Binaries.GoPlugin("portmap"), "DEL", conf, _c1.Path, "c1", goPath: true).ExitCode, Is.EqualTo(0));
        Assert.That(Entries(), Has.Count.EqualTo(1), "Go 1.1.1 does not flush on DEL (upstream #1190), which ours does");
    }

    /// <summary>The node's UDP conntrack entries to the host port, as the conntrack tool lists them.</summary>
    private List<string> Entries() =>
        NftTestNetns.Run("ip", ["netns", "exec", _n.Node.Name, "conntrack", "-L", "-p", "udp", "--orig-port-dst", $"{HostPort}"],
                allowFailure: true)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("udp")).ToList();
}
