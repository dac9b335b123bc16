using CniBox.Tests.Support;
using static CniBox.Tests.Integration.Applets.Portmap.PortmapNode;

namespace CniBox.Tests.Integration.Applets.Portmap;

/// <summary>
/// The applet and Debian's Go portmap 1.1.1 (iptables layout) on one node, as processes: a node that moves from
/// Go's plugins to ours keeps working (our DEL, whatever its backend, removes Go's rules), and our iptables backend
/// writes rules Go's DEL removes and traffic follows.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class PortmapInteropTests
{
    private const string Mapping = "[{\"hostPort\":18095,\"containerPort\":7000,\"protocol\":\"tcp\"}]";

    private PortmapNode _n = null!;
    private EchoServer _echo = null!;
    private TestNetns _c1 = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        Binaries.RequireGoPlugin("portmap");
        TestNetns.RequireRoot();
        _n = new PortmapNode();
        _c1 = _n.Container("c1");
        _echo = new EchoServer(_c1, "c1", 7000);
    }

    [TearDown]
    public void Destroy()
    {
        _echo.Dispose();
        _n.Dispose();
    }

    [Test]
    public void OurDelWithTheDefaultBackendRemovesGoAddsRules()
    {
        var conf = _n.PortmapConf("c1", Mapping);
        Assert.That(Go("ADD", conf).ExitCode, Is.EqualTo(0));
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18095), Is.EqualTo("c1"), "Go's rules work");
        Assert.That(NatRules(), Has.Some.Contains("CNI-DN-"));
        var del = _n.Portmap("DEL", "c1", _n.PortmapConf("c1", mappings: null));
        Assert.That(del.ExitCode, Is.EqualTo(0), del.Stdout + del.Stderr);
        Assert.That(NatRules().Where(l => l.Contains("CNI-DN-")), Is.Empty, "the container's Go chain and its jump are gone");
        Assert.That(PortTraffic.Ask(_n.Outside, NodeV4, 18095), Is.Null);
    }

    [Test]
    public void OurIptablesBackendAnswersAndGoDelRemovesIt()
    {
        var conf = _n.PortmapConf("c1", Mapping, ",\"backend\":\"iptables\"");
        CniAssert.Success(_n.Portmap("ADD", "c1", conf));
        Assert.That(PortTraffic.AskUntilAnswered(_n.Outside, NodeV4, 18095), Is.EqualTo("c1"));
        Assert.That(PortmapNode.RulesOf(_n.Node, "ip"), Is.Empty, "the iptables backend writes no cni_hostport rule");
        Assert.That(Go("DEL", conf).ExitCode, Is.EqualTo(0));
        Assert.That(NatRules().Where(l => l.Contains("CNI-DN-")), Is.Empty);
        Assert.That(PortTraffic.Ask(_n.Outside, NodeV4, 18095), Is.Null);
    }

    private ProcessResult Go(string verb, string conf) =>
        _n.H.Run(Binaries.GoPlugin("portmap"), verb, conf, _c1.Path, "c1", goPath: true);

    private List<string> NatRules() =>
        [.. NftTestNetns.Run("ip", ["netns", "exec", _n.Node.Name, "iptables-save", "-t", "nat"]).Split('\n')];
}
