using CniBox.Tests.Support;
using static CniBox.Tests.Integration.Applets.Firewall.FirewallTrafficNode;

namespace CniBox.Tests.Integration.Applets.Firewall;

/// <summary>
/// On a node whose FORWARD policy is DROP, firewall chained after bridge or ptp lets its containers reach a remote
/// netns (ping and TCP, both families) and get the answers, and nothing else: without it nothing passes, the remote
/// cannot open a connection to a container, and DEL closes the door again for that container only. ingressPolicy:
/// <c>same-bridge</c> keeps two bridges apart, <c>isolated</c> also the containers of one bridge; both still reach the
/// remote. Each case runs with ours and with Debian's Go firewall 1.1.1, which must behave alike.
/// </summary>
[Category("root"), NonParallelizable]
[TestFixture("ours")]
[TestFixture("go")]
public sealed class FirewallTrafficTests(string implementation)
{
    private const int Port = 8080;

    private FirewallPlugin _fw = null!;
    private FirewallTrafficNode _n = null!;
    private readonly List<EchoServer> _servers = [];

    [SetUp]
    public void Create()
    {
        _fw = FirewallPlugin.Of(implementation);
        _n = new FirewallTrafficNode();
        try
        {
            Serve(_n.Remote, "remote");
        }
        catch
        {
            _n.Dispose();
            throw;
        }
    }

    [TearDown]
    public void Destroy()
    {
        foreach (var s in _servers) s.Dispose();
        _servers.Clear();
        _n.Dispose();
    }

    [TestCase("bridge", false)]
    [TestCase("bridge", true)]
    [TestCase("ptp", false)]
    [TestCase("ptp", true)]
    public void ContainersReachTheRemoteOnlyThroughTheFirewall(string type, bool v6)
    {
        var net = FirewallNetwork.Of(type);
        var c1 = Attach("c1", net);
        var c2 = Attach("c2", net);
        var remote = v6 ? RemoteV6 : RemoteV4;
        foreach (var c in new[] { c1, c2 })
        {
            NsTraffic.Ping(c.Ns, c.Gateway(v6), true, "(the node itself: the container's address works)");
            Blocked(c, remote, "without firewall");
        }

        foreach (var c in new[] { c1, c2 }) CniAssert.Success(_n.Firewall(_fw, "ADD", c));
        Assert.Multiple(() =>
        {
            Reaches(c1, remote, "remote", "with firewall");
            Reaches(c2, remote, "remote", "with firewall");
            Reaches(c2, c1.Address(v6), "c1", "a neighbour on the same network");
            Assert.That(PortTraffic.Ask(_n.Remote, c1.Address(v6), Port), Is.Null, "the remote opening a connection to c1");
        });

        CniAssert.SilentSuccess(_n.Firewall(_fw, "DEL", c1));
        Assert.Multiple(() =>
        {
            Blocked(c1, remote, "after c1's DEL");
            Reaches(c2, remote, "remote", "c2 keeps its rules after c1's DEL");
        });
    }

    [Test]
    public void SameBridgeKeepsTwoBridgesApartButNotTheRemote()
    {
        var a1 = Attach("a1", FirewallNetwork.BridgeA, withFirewall: true);
        var a2 = Attach("a2", FirewallNetwork.BridgeA, withFirewall: true);
        var b1 = Attach("b1", FirewallNetwork.BridgeB, withFirewall: true);
        Reaches(a1, b1.Address(false), "b1", "across bridges, ingressPolicy open");

        foreach (var c in new[] { a1, a2, b1 }) CniAssert.Success(_n.Firewall(_fw, "ADD", c, ",\"ingressPolicy\":\"same-bridge\""));
        Assert.Multiple(() =>
        {
            Blocked(a1, b1.Address(false), "from bridge A to bridge B");
            Blocked(b1, a1.Address(false), "from bridge B to bridge A");
            NsTraffic.Ping(a1.Ns, b1.Address(true), false, "from bridge A to bridge B");
            Reaches(a1, a2.Address(false), "a2", "on the same bridge");
            NsTraffic.Ping(a1.Ns, a2.Address(true), true, "on the same bridge");
            ReachesTheRemote(a1, b1);
        });
    }

    /// <summary>Debian's Go firewall 1.1.1 answers "unknown ingress policy" to <c>isolated</c> (upstream has it since 1.7.1).</summary>
    [Test]
    public void IsolatedKeepsContainersOfOneBridgeApartButNotTheRemote()
    {
        Assume.That(_fw.IsGo, Is.False, "Debian's Go firewall 1.1.1 predates ingressPolicy isolated (upstream 1.7.1): its ADD fails \"unknown ingress policy\"");
        var a1 = Attach("a1", FirewallNetwork.BridgeA, withFirewall: true);
        var a2 = Attach("a2", FirewallNetwork.BridgeA, withFirewall: true);
        var b1 = Attach("b1", FirewallNetwork.BridgeB, withFirewall: true);
        Reaches(a1, a2.Address(false), "a2", "on the same bridge, ingressPolicy open");

        foreach (var c in new[] { a1, a2, b1 }) CniAssert.Success(_n.Firewall(_fw, "ADD", c, ",\"ingressPolicy\":\"isolated\""));
        Assert.Multiple(() =>
        {
            Blocked(a1, a2.Address(false), "on the same bridge");
            Blocked(a2, a1.Address(false), "on the same bridge");
            NsTraffic.Ping(a1.Ns, a2.Address(true), false, "on the same bridge");
            Blocked(a1, b1.Address(false), "from bridge A to bridge B");
            ReachesTheRemote(a1, b1);
        });
    }

    /// <summary>A container on the network with an echo server named after it, and firewall ADD if asked.</summary>
    private FirewallContainer Attach(string id, FirewallNetwork net, bool withFirewall = false)
    {
        var c = _n.Attach(id, net, withFirewall ? _fw : null);
        Serve(c.Ns, id);
        return c;
    }

    private void Serve(TestNetns ns, string name) => _servers.Add(new EchoServer(ns, name, Port));

    private static void ReachesTheRemote(params FirewallContainer[] containers)
    {
        foreach (var c in containers)
        {
            Reaches(c, RemoteV4, "remote", "the remote");
            Reaches(c, RemoteV6, "remote", "the remote");
        }
    }

    private static void Reaches(FirewallContainer from, string to, string answer, string because)
    {
        NsTraffic.Ping(from.Ns, to, true, because);
        Assert.That(PortTraffic.AskUntilAnswered(from.Ns, to, Port), Is.EqualTo(answer), $"tcp {to} from {from.Id} {because}");
    }

    private static void Blocked(FirewallContainer from, string to, string because)
    {
        NsTraffic.Ping(from.Ns, to, false, because);
        Assert.That(PortTraffic.Ask(from.Ns, to, Port), Is.Null, $"tcp {to} from {from.Id} {because}");
    }
}
