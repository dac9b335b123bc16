using CniBox.Tests.Support;
using static CniBox.Tests.Integration.Applets.Portmap.PortmapNode;

namespace CniBox.Tests.Integration.Applets.Portmap;

/// <summary>
/// Published ports answer on every path a runtime's users take, both families, TCP and UDP: from outside through the
/// node, from the node's own 127.0.0.1, hairpin from the container itself and from a neighbour on the bridge; a
/// hostIP-bound mapping only on that address. Each server answers with its container's name.
/// </summary>
[Category("root")]
[TestFixture(true)]
[TestFixture(false)]
public class PortmapTrafficTests(bool brNetfilter)
{
    private PortmapNode _n = null!;
    private TestNetns _c1 = null!, _c2 = null!;
    private EchoServer _s1 = null!, _s2 = null!;

    private const string Mappings1 =
        "[{\"hostPort\":18080,\"containerPort\":8080,\"protocol\":\"tcp\"},{\"HostPort\":18053,\"ContainerPort\":8080,\"Protocol\":\"udp\",\"HostIP\":\"\"}," +
        "{\"hostPort\":18081,\"containerPort\":8080,\"protocol\":\"tcp\",\"hostIP\":\"" + NodeV4 + "\"}]";

    private const string Mappings2 = "[{\"hostPort\":18090,\"containerPort\":8080,\"protocol\":\"tcp\"}]";

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        _n = new PortmapNode();
        if (!brNetfilter) WithoutBrNetfilter(_n.Node);
        _c1 = _n.Container("cbt-pm-c1");
        _c2 = _n.Container("cbt-pm-c2");
        _s1 = new EchoServer(_c1, "c1", 8080);
        _s2 = new EchoServer(_c2, "c2", 8080);
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-c1", _n.PortmapConf("cbt-pm-c1", Mappings1)));
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-c2", _n.PortmapConf("cbt-pm-c2", Mappings2)));
    }

    /// <summary>br_netfilter's hooks off in the node (per netns): bridged frames no longer pass the ip/ip6 hooks.</summary>
    private static void WithoutBrNetfilter(TestNetns node) =>
        NsTraffic.Exec(node, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0", "net.bridge.bridge-nf-call-ip6tables=0");

    [TearDown]
    public void Destroy()
    {
        _s1.Dispose();
        _s2.Dispose();
        _n.Dispose();
    }

    [Test]
    public void FromOutsideThroughTheNodeBothFamiliesTcpAndUdp() => Assert.Multiple(() =>
    {
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18080), Is.EqualTo("c1"), "tcp v4");
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV6, 18080), Is.EqualTo("c1"), "tcp v6");
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18053, udp: true), Is.EqualTo("c1"), "udp v4");
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV6, 18053, udp: true), Is.EqualTo("c1"), "udp v6");
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18090), Is.EqualTo("c2"), "the second container's port");
        Assert.That(PortTraffic.Ask(_n.Outside, NodeV4, 18099), Is.Null, "an unpublished port");
    });

    [Test]
    public void NodeLocalhostReachesThePortThroughRouteLocalnet()
    {
        Assert.That(PortTraffic.AskUntilAnswered(_n.Node, "127.0.0.1", 18080), Is.EqualTo("c1"));
        Assert.That(PortTraffic.AskUntilAnswered(_n.Node, NodeV4, 18090), Is.EqualTo("c2"), "the node's own address");
        Assert.That(NsTraffic.Exec(_n.Node, "sysctl", "-n", "net.ipv4.conf.cbtpm0.route_localnet").Trim(), Is.EqualTo("1"),
            "set on the interface that routes to the container, as Go");
    }

    [Test]
    public void HairpinFromTheContainerItselfAndFromItsNeighbour() => Assert.Multiple(() =>
    {
        Assert.That(PortTraffic.AskUntilAnswered(_c1, NodeV4, 18080), Is.EqualTo("c1"), "own port, v4");
        Assert.That(PortTraffic.AskUntilAnswered(_c1, NodeV6, 18080), Is.EqualTo("c1"), "own port, v6");
        Assert.That(PortTraffic.AskUntilAnswered(_c2, NodeV4, 18080), Is.EqualTo("c1"), "neighbour on the bridge, v4");
        Assert.That(PortTraffic.AskUntilAnswered(_c2, BridgeV4, 18080), Is.EqualTo("c1"), "neighbour via the gateway address");
        Assert.That(PortTraffic.AskUntilAnswered(_c1, NodeV4, 18053, udp: true), Is.EqualTo("c1"), "own port, udp");
    });

    /// <summary>
    /// Upstream's nft layout masquerades only the container's own IP; the neighbour then relies on br_netfilter to
    /// see the bridged reply. Without it, only our subnet masquerade of DNAT'd flows makes the neighbour work.
    /// </summary>
    [Test]
    public void TheNeighboursHairpinNeedsOurSubnetMasqueradeWithoutBrNetfilter()
    {
        WithoutBrNetfilter(_n.Node);
        Assert.That(PortTraffic.AskUntilAnswered(_c2, NodeV4, 18080), Is.EqualTo("c1"));
        var listing = NsTraffic.Exec(_n.Node, "nft", "-a", "list", "chain", "ip", "cni_hostport", "masquerading");
        foreach (var line in listing.Split('\n').Where(l => l.Contains("ct status dnat")))
            NsTraffic.Exec(_n.Node, "nft", "delete", "rule", "ip", "cni_hostport", "masquerading", "handle", line.Split("handle ")[1].Trim());
        NsTraffic.FlushConntrack(_n.Node);
        Assert.That(PortTraffic.Ask(_c2, NodeV4, 18080), Is.Null, "upstream's layout alone");
    }

    [Test]
    public void AHostIpBoundMappingAnswersOnlyOnThatAddress() => Assert.Multiple(() =>
    {
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18081), Is.EqualTo("c1"), "on " + NodeV4);
        Assert.That(PortTraffic.AskUntilAnswered(_c2, NodeV4, 18081), Is.EqualTo("c1"), "on " + NodeV4 + " from the bridge");
        Assert.That(PortTraffic.Ask(_c2, BridgeV4, 18081), Is.Null, "not on the bridge's address");
        Assert.That(PortTraffic.Ask(_n.Outside, NodeV6, 18081), Is.Null, "not on the v6 address (a v4 hostIP)");
    });

    [Test]
    public void DelWithoutPortMappingsRemovesEveryRuleOfTheContainerOnly()
    {
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18080), Is.EqualTo("c1"));
        CniAssert.SilentSuccess(_n.Portmap("DEL", "cbt-pm-c1", _n.PortmapConf("cbt-pm-c1", null, withPrev: false)));
        Assert.That(_n.Rules("ip").Concat(_n.Rules("ip6")).Where(r => r.Contains("|cbt-pm-c1|")), Is.Empty);
        NsTraffic.FlushConntrack(_n.Node);
        Assert.That(PortTraffic.Ask(_n.Outside, NodeV4, 18080), Is.Null, "c1's port is gone");
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18090), Is.EqualTo("c2"), "c2's stays");
        CniAssert.SilentSuccess(_n.Portmap("DEL", "cbt-pm-c1", _n.PortmapConf("cbt-pm-c1", null, withPrev: false)));
    }

    [Test]
    public void DelFindsTheRulesAfterTheNetworkWasRenamed()
    {
        var renamed = _n.PortmapConf("cbt-pm-c1", Mappings1).Replace(_n.Network, _n.Network + "-renamed");
        CniAssert.SilentSuccess(_n.Portmap("DEL", "cbt-pm-c1", renamed));
        Assert.That(_n.Rules("ip").Where(r => r.Contains("|cbt-pm-c1|")), Is.Empty);
    }

    [Test]
    public void GcRemovesTheRulesOfContainersNotInValidAttachments()
    {
        var gc = NetHarness.Conf("portmap", "1.1.0", "",
            ",\"cni.dev/valid-attachments\":[{\"containerID\":\"cbt-pm-c2\",\"ifname\":\"eth0\"}]", _n.Network);
        CniAssert.SilentSuccess(_n.Portmap("GC", "", gc));
        var rules = _n.Rules("ip").Concat(_n.Rules("ip6")).ToList();
        Assert.That(rules.Where(r => r.Contains("|cbt-pm-c1|")), Is.Empty);
        Assert.That(rules.Count(r => r.Contains("|cbt-pm-c2|")), Is.GreaterThan(0));
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18090), Is.EqualTo("c2"));
    }

    [Test]
    public void CheckPassesAndFailsOnceARuleIsGone()
    {
        CniAssert.SilentSuccess(_n.Portmap("CHECK", "cbt-pm-c1", _n.PortmapConf("cbt-pm-c1", Mappings1)));
        NsTraffic.Nft(_n.Node, "flush chain ip cni_hostport hostports");
        var error = CniAssert.Error(_n.Portmap("CHECK", "cbt-pm-c1", _n.PortmapConf("cbt-pm-c1", Mappings1)), 999);
        Assert.That(error, Is.EqualTo("missing hostport rules in \"hostports\" chain"));
    }
}
