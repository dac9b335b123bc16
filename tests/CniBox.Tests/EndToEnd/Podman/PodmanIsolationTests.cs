using System.Text.Json.Nodes;
using CniBox.Tests.Support;
using CniBox.Tests.Support.EndToEnd;

namespace CniBox.Tests.EndToEnd.Podman;

/// <summary>
/// <c>podman network create -o isolate=true</c> writes firewall <c>ingressPolicy: "same-bridge"</c>: two isolated
/// networks (cbtpod1 10.199.82.0/24, cbtpod2 10.199.83.0/24) cannot reach each other's containers, while both still
/// reach and are reached from a network without isolation (cbtpod4, 10.199.81.0/24 on this fixture's own node), as
/// with Go's CNI-ISOLATION-STAGE-1/2: the node routes between bridges, only isolation drops.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class PodmanIsolationTests
{
    private PrivatePodman _podman = null!;
    private readonly Dictionary<string, string> _address = [];

    [OneTimeSetUp]
    public void StartContainers()
    {
        Binaries.RequirePublished();
        _podman = new PrivatePodman();
        var isolatedA = _podman.CreateNetwork("cbtpod-iso-a", "cbtpod1", "--subnet", "10.199.82.0/24", "-o", "isolate=true");
        var isolatedB = _podman.CreateNetwork("cbtpod-iso-b", "cbtpod2", "--subnet", "10.199.83.0/24", "-o", "isolate=true");
        var open = _podman.CreateNetwork("cbtpod-open", "cbtpod4", "--subnet", "10.199.81.0/24");
        foreach (var (name, network) in new[] { ("cbtpod-a1", isolatedA), ("cbtpod-a2", isolatedA), ("cbtpod-b1", isolatedB), ("cbtpod-o1", open) })
        {
            _podman.RunDetached(name, network, [], "sleep", "600");
            _address[name] = _podman.Inspect(name, network).Ipv4;
        }
    }

    [OneTimeTearDown]
    public void Stop() => _podman?.Dispose();

    [Test, Order(1)]
    public void IsolateWritesSameBridgeIngressPolicy()
    {
        var conflist = JsonNode.Parse(File.ReadAllText(Path.Combine(_podman.NetworkConfigDir, "cbtpod-iso-a.conflist")))!;
        var firewall = conflist["plugins"]!.AsArray().Single(p => (string)p!["type"]! == "firewall")!;
        Assert.That((string?)firewall["ingressPolicy"], Is.EqualTo("same-bridge"));
    }

    [Order(1)]
    [TestCase("cbtpod-a1", "cbtpod-b1")]
    [TestCase("cbtpod-b1", "cbtpod-a1")]
    public void IsolatedNetworksCannotReachEachOther(string from, string to) => Ping(from, to, expectReply: false);

    [Order(1)]
    [TestCase("cbtpod-a1", "cbtpod-a2")]
    [TestCase("cbtpod-a1", "cbtpod-o1")]
    [TestCase("cbtpod-o1", "cbtpod-b1")]
    public void SameNetworkAndOpenNetworkStillReach(string from, string to) => Ping(from, to, expectReply: true);

    [Test, Order(2)]
    public void IsolationRulesGoWithTheLastContainerOfTheirBridge()
    {
        Assert.That(Firewall(), Does.Contain("cbtpod1").And.Contain("cbtpod2"), "both bridges' isolation rules while in use");
        _podman.Remove("cbtpod-a1");
        Assert.That(Firewall(), Does.Contain("cbtpod1"), "cbtpod-a2 still runs on cbtpod1");
        _podman.Remove("cbtpod-a2");
        var firewall = Firewall();
        Assert.That(firewall, Does.Not.Contain("cbtpod1").And.Contain("cbtpod2"), _podman.Node.Report());
    }

    private string Firewall() => PodmanTraces.Firewall(_podman.Node);

    private void Ping(string from, string to, bool expectReply)
    {
        var ping = _podman.Run("exec", from, "ping", "-c", "1", "-W", expectReply ? "3" : "1", _address[to]);
        Assert.That(ping.ExitCode == 0, Is.EqualTo(expectReply),
            $"{from} ping {to} ({_address[to]}): {ping.Stdout}{ping.Stderr}{_podman.Node.Report()}");
    }
}
