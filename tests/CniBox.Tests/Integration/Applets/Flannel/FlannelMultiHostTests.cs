using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Flannel;

/// <summary>
/// The multi-host picture flannel exists for: two nodes joined by an underlay and flannel's VXLAN overlay, a pod
/// added on each by cnitool with k3s's conflist (flannel + portmap + bandwidth). A pod on node A reaches a pod on
/// node B by its address, a hostPort on node B answers from node A, DEL on both nodes leaves nothing. Run once with
/// our delegates in-process and once with Debian's Go bridge, host-local, portmap and bandwidth exec'd from CNI_PATH.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class FlannelMultiHostTests
{
    private const int HostPort = 18700;
    private string _goBin = "";

    [SetUp]
    public void SetUp()
    {
        TestNetns.RequireRoot();
        Binaries.RequirePublished();
    }

    [TearDown]
    public void TearDown()
    {
        if (_goBin.Length > 0) Directory.Delete(_goBin, true);
        _goBin = "";
        try { Directory.Delete(Path.Combine("/var/lib/cni/portmap", FlannelNode.Network), true); } catch (DirectoryNotFoundException) { }
    }

    [TestCase(false, TestName = "PodsOnTwoNodesReachEachOtherAndAHostPortWithOurDelegates")]
    [TestCase(true, TestName = "PodsOnTwoNodesReachEachOtherAndAHostPortWithGoDelegatesExecd")]
    public void PodsOnTwoNodesReachEachOtherAndAHostPort(bool goDelegates)
    {
        var cniPath = goDelegates ? GoBinDir() : Binaries.AppletDir;
        using var a = new FlannelNode('a', cniPath);
        using var b = new FlannelNode('b', cniPath);
        using var podA = new TestNetns("fl-pa");
        using var podB = new TestNetns("fl-pb");
        FlannelNode.Join(a, b);

        // A runtime passes the same capability args on DEL (Go's portmap 1.1.1 deletes nothing without them).
        var capsA = "{\"bandwidth\":{\"ingressRate\":80000000,\"ingressBurst\":800000,\"egressRate\":80000000,\"egressBurst\":800000}}";
        var capsB = $"{{\"portMappings\":[{{\"hostPort\":{HostPort},\"containerPort\":80,\"protocol\":\"tcp\"}}]}}";
        var addA = a.Cnitool("add", podA, capsA);
        Assert.That(addA.ExitCode, Is.EqualTo(0), addA.Stdout + addA.Stderr);
        var addB = b.Cnitool("add", podB, capsB);
        Assert.That(addB.ExitCode, Is.EqualTo(0), addB.Stdout + addB.Stderr);
        var ipA = FirstAddress(addA.Stdout);
        var ipB = FirstAddress(addB.Stdout);
        Assert.That((ipA, ipB), Is.EqualTo(("10.199.64.2", "10.199.65.2")));
        Assert.That(File.ReadAllText(Path.Combine(a.Dir, "flannel", ContainerId(podA))), Does.Contain(
            "\"ipam\":{\"dataDir\":\"" + a.Dir + "/ipam\",\"ranges\":[[{\"subnet\":\"10.199.64.0/24\"}]],\"routes\":[{\"dst\":\"10.199.64.0/18\"}],\"type\":\"host-local\"}"));

        var sentBefore = a.VxlanTxPackets();
        NsTraffic.Ping(podA, ipB, expectSuccess: true);
        NsTraffic.Ping(podB, ipA, expectSuccess: true);
        Assert.That(a.VxlanTxPackets(), Is.GreaterThan(sentBefore), "the pods' packets did not cross flannel.1");
        using (new EchoServer(podB, "pod-b", 80))
            Assert.That(PortTraffic.AskUntilAnswered(a.Netns, b.Underlay, HostPort), Is.EqualTo("pod-b"));

        Assert.That(a.Cnitool("del", podA, capsA).ExitCode, Is.EqualTo(0));
        Assert.That(b.Cnitool("del", podB, capsB).ExitCode, Is.EqualTo(0));
        foreach (var (node, pod) in new[] { (a, podA), (b, podB) })
        {
            Assert.That(node.AttachmentFiles(), Is.Empty, $"node {node.Letter}");
            Assert.That(NetHarness.Links(pod), Is.Empty, $"pod on node {node.Letter}");
            Assert.That(NetHarness.Links(node.Netns).Order(), Is.EqualTo(new[] { FlannelNode.Bridge, node.UnderlayLink, "flannel.1" }.Order()),
                $"node {node.Letter}: only the bridge (Go's bridge DEL leaves it), the underlay and flannel.1");
            Assert.That(NsTraffic.Exec(node.Netns, "nft", "list", "ruleset"), Does.Not.Contain(HostPort.ToString()).And.Not.Contain(ContainerId(pod)));
        }
        Assert.That(Directory.Exists(Path.Combine("/var/lib/cni/portmap", FlannelNode.Network)), Is.False);
    }

    /// <summary>flannel from us, everything it and the chain call from Debian's Go plugins 1.1.1.</summary>
    private string GoBinDir()
    {
        Binaries.RequireGoPlugin("bridge");
        _goBin = Directory.CreateTempSubdirectory("cbt-fl-gobin-").FullName;
        File.CreateSymbolicLink(Path.Combine(_goBin, "flannel"), Binaries.Applet("flannel"));
        foreach (var name in new[] { "bridge", "host-local", "portmap", "bandwidth" })
            File.CreateSymbolicLink(Path.Combine(_goBin, name), Binaries.GoPlugin(name));
        return _goBin;
    }

    private static string ContainerId(TestNetns pod) => CniBox.Applets.CniTool.ContainerIdentity.ContainerId(pod.Path);

    private static string FirstAddress(string result) =>
        JsonDocument.Parse(result).RootElement.GetProperty("ips")[0].GetProperty("address").GetString()!.Split('/')[0];
}
