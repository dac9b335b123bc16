using CniBox.Tests.Integration.Applets.Portmap;
using CniBox.Tests.Support;
using static CniBox.Tests.Integration.Applets.Portmap.PortmapNode;

namespace CniBox.Tests.Differential;

/// <summary>
/// The same conflist as podman writes it (bridge, then portmap with bridge's result) through our portmap and
/// through Debian's Go portmap 1.1.1 (its iptables layout), each on a fresh node: the same traffic matrix answers
/// on both, and after DEL neither leaves a rule of the container (Go keeps its shared CNI-HOSTPORT-* chains and
/// route_localnet, as we keep our table's structure and route_localnet).
/// </summary>
[Category("root"), NonParallelizable]
[TestFixture("ours")]
[TestFixture("go")]
public sealed class PortmapDifferentialTests(string implementation)
{
    private const string Mappings =
        "[{\"hostPort\":18280,\"containerPort\":8080,\"protocol\":\"tcp\"},{\"hostPort\":18253,\"containerPort\":8080,\"protocol\":\"udp\"}," +
        "{\"hostPort\":18281,\"containerPort\":8080,\"protocol\":\"tcp\",\"hostIP\":\"" + NodeV4 + "\"}]";

    private PortmapNode _n = null!;
    private TestNetns _c1 = null!;
    private EchoServer _s1 = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        Binaries.RequireGoPlugin("portmap");
        _n = new PortmapNode();
        _c1 = _n.Container("c1");
        _s1 = new EchoServer(_c1, "c1", 8080);
        Assert.That(Run("ADD", _n.PortmapConf("c1", Mappings)).ExitCode, Is.EqualTo(0));
    }

    [TearDown]
    public void Destroy()
    {
        _s1.Dispose();
        _n.Dispose();
    }

    [Test]
    public void TheSameTrafficMatrixAnswers() => Assert.Multiple(() =>
    {
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18280), Is.EqualTo("c1"), "outside, tcp v4");
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV6, 18280), Is.EqualTo("c1"), "outside, tcp v6");
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18253, udp: true), Is.EqualTo("c1"), "outside, udp v4");
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV6, 18253, udp: true), Is.EqualTo("c1"), "outside, udp v6");
        Assert.That(PortTraffic.AskUntilAnswered(_n.Node, "127.0.0.1", 18280), Is.EqualTo("c1"), "the node's 127.0.0.1");
        Assert.That(PortTraffic.AskUntilAnswered(_c1, NodeV4, 18280), Is.EqualTo("c1"), "hairpin, own port");
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18281), Is.EqualTo("c1"), "hostIP-bound, on it");
        Assert.That(PortTraffic.Ask(_n.Outside, NodeV6, 18281), Is.Null, "hostIP-bound, not on the other family");
        Assert.That(PortTraffic.Ask(_n.Outside, NodeV4, 18299), Is.Null, "an unpublished port");
    });

    [Test]
    public void DelLeavesNoRuleOfTheContainer()
    {
        Assert.That(Run("DEL", _n.PortmapConf("c1", Mappings)).ExitCode, Is.EqualTo(0));
        Assert.Multiple(() =>
        {
            Assert.That(PortTraffic.Ask(_n.Outside, NodeV4, 18280), Is.Null, "no longer published");
            Assert.That(Save("iptables-save").Concat(Save("ip6tables-save")).Where(l => l.Contains("CNI-DN-") || l.Contains("\"c1\"")),
                Is.Empty, "no per-container iptables chain or rule");
            Assert.That(RulesOf(_n.Node, "ip").Concat(RulesOf(_n.Node, "ip6")).Where(r => r.Contains("|c1|")), Is.Empty,
                "no rule commented with the container ID");
        });
    }

    private ProcessResult Run(string verb, string conf) => implementation == "ours"
        ? _n.Portmap(verb, "c1", conf)
        : _n.H.Run(Binaries.GoPlugin("portmap"), verb, conf, _c1.Path, "c1", goPath: true);

    private IEnumerable<string> Save(string program) =>
        NftTestNetns.Run("ip", ["netns", "exec", _n.Node.Name, program, "-t", "nat"], allowFailure: true).Split('\n');
}
