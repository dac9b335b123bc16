using System.Diagnostics;
using System.Net;
using CniBox.Tests.Support;
using CniBox.Tests.Support.EndToEnd;
using CriClient.Api;

namespace CniBox.Tests.EndToEnd.Cri;

/// <summary>
/// kubelet's path: containerd 1.6's CRI plugin drives cnibox's symlinks (bin_dir) through a pod's whole life as
/// kubelet asks for it over CRI v1 (<see cref="CriNode"/>: dual-stack bridge with ipMasq + portmap + firewall +
/// tuning + bandwidth): RunPodSandbox with a hostPort and bandwidth annotations, a busybox httpd container,
/// StopPodSandbox (DEL with the netns) and RemovePodSandbox (DEL again, CNI_NETNS empty).
/// </summary>
[TestFixture]
[NonParallelizable]
public class CriPodLifecycleTests
{
    private const int HostPort = 18600;

    private CriNode _cri = null!;

    [SetUp]
    public void StartNode() => _cri = new CriNode();

    [TearDown]
    public void StopNode() => _cri?.Dispose();

    [Test]
    public void PodWithHostPortAndBandwidthServesHttpThenBothDelsLeaveNothing()
    {
        var config = _cri.PodConfig("cbt-web", HostPort);
        var run = Stopwatch.StartNew();
        var podId = _cri.RunPod(config);
        var runMs = run.Elapsed.TotalMilliseconds;
        string[] podIps;
        try
        {
            podIps = _cri.PodIps(podId);
            Assert.That(podIps, Has.Length.EqualTo(2), "one IPv4 and one IPv6 address");
            Assert.That(IPNetwork.Parse(CriNode.Subnet).Contains(IPAddress.Parse(podIps[0])), Is.True, $"{podIps[0]} in {CriNode.Subnet}");
            Assert.That(IPNetwork.Parse(CriNode.Subnet6).Contains(IPAddress.Parse(podIps[1])), Is.True, $"{podIps[1]} in {CriNode.Subnet6}");
            StartHttpd(podId, config);

            AssertServesOnHostPort("127.0.0.1");
            AssertServesOnHostPort($"[{CriNode.Gateway6}]");
            Assert.That(_cri.Node.Must("ip", "-d", "link", "show", "type", "ifb"), Does.Contain("ifb"), "bandwidth's ifb (egress)");
            var qdiscs = _cri.Node.Must("tc", "qdisc", "show");
            Assert.That(qdiscs.Split('\n').Count(l => l.StartsWith("qdisc tbf") && l.Contains("rate 10Mbit")), Is.EqualTo(2),
                $"a 10Mbit tbf on the host veth (ingress) and on the ifb (egress){Environment.NewLine}{qdiscs}");
            Assert.That(qdiscs, Does.Contain("qdisc ingress"), "the host veth's ingress qdisc redirecting to the ifb");
            AssertPodStateExists(podId, podIps);
        }
        catch
        {
            _cri.TryRemove(podId);
            throw;
        }

        var stop = Stopwatch.StartNew();
        _cri.StopPod(podId);
        var stopMs = stop.Elapsed.TotalMilliseconds;
        var remove = Stopwatch.StartNew();
        _cri.RemovePod(podId);
        var removeMs = remove.Elapsed.TotalMilliseconds;
        TestContext.Out.WriteLine($"cnibox via {PrivateContainerd.Version}: RunPodSandbox {runMs:F0} ms, " +
            $"StopPodSandbox {stopMs:F0} ms, RemovePodSandbox {removeMs:F0} ms");

        AssertTwoDels(podId, stopNetns: Does.StartWith("/var/run/netns/cni-"));
        _cri.AssertNothingLeft(podId, podIps);
    }

    /// <summary>
    /// The pod's netns bind mount is gone before kubelet stops the pod (a cleanup tool, a reboot): containerd then
    /// sends the Stop DEL with CNI_NETNS empty too, and the applets must remove what they made on the node from the
    /// cached prevResult alone (Debian's Go bridge 1.1.1 returns early there and leaves its ipMasq chain).
    /// </summary>
    [Test]
    public void PodWhoseNetnsVanishedIsCleanedByDelsWithoutNetns()
    {
        var podId = _cri.RunPod(_cri.PodConfig("cbt-lost", HostPort + 1));
        string[] podIps;
        try
        {
            podIps = _cri.PodIps(podId);
            AssertPodStateExists(podId, podIps);
            var netns = _cri.Calls(podId, "ADD").Select(c => c.Netns).First(n => n.StartsWith("/var/run/netns/cni-"));
            var umount = PluginProcess.Run("umount", new(), "", [netns]);
            Assert.That(umount.ExitCode, Is.EqualTo(0), $"umount {netns}: {umount.Stderr}");
            File.Delete(netns);
        }
        catch
        {
            _cri.TryRemove(podId);
            throw;
        }

        _cri.StopPod(podId);
        _cri.RemovePod(podId);

        AssertTwoDels(podId, stopNetns: Is.Empty);
        _cri.AssertNothingLeft(podId, podIps);
    }

    private void StartHttpd(string podId, PodSandboxConfig podConfig)
    {
        var container = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = "httpd" },
            Image = new ImageSpec { Image = PrivateContainerd.Image },
            Command = { "/bin/busybox", "httpd", "-f", "-p", "80", "-h", "/www" },
            LogPath = "httpd.log",
        };
        var id = _cri.Call("CreateContainer", cri => cri.CreateContainer(
            new CreateContainerRequest { PodSandboxId = podId, Config = container, SandboxConfig = podConfig })).ContainerId;
        _cri.Call("StartContainer", cri => cri.StartContainer(new StartContainerRequest { ContainerId = id }));
    }

    /// <summary>curl in the node gets index.html through the hostPort; httpd may need a moment, so up to 5 s.</summary>
    private void AssertServesOnHostPort(string host)
    {
        ProcessResult Curl() => _cri.Node.Run("curl", ["-s", "-S", "-g", "-m", "2", $"http://{host}:{HostPort}/"]);
        var result = Curl();
        for (var deadline = DateTime.UtcNow.AddSeconds(5); result.ExitCode != 0 && DateTime.UtcNow < deadline; result = Curl())
            Thread.Sleep(100);
        Assert.That(result.Stdout, Is.EqualTo(BusyboxRootfs.IndexHtml),
            $"{host}:{HostPort} in the node: {result.Stderr.Trim()}{Environment.NewLine}{_cri.Containerd.Report()}");
    }

    /// <summary>What the "nothing left" checks look for is there while the pod runs, so its absence means something.</summary>
    private void AssertPodStateExists(string podId, string[] podIps)
    {
        var firewall = _cri.FirewallText();
        var hostLocal = _cri.HostLocalFiles();
        foreach (var ip in podIps)
        {
            Assert.That(firewall, Does.Contain(ip), $"portmap's and ipMasq's rules name {ip} while the pod runs");
            Assert.That(hostLocal, Does.Contain(ip), $"host-local reserved {ip}");
        }
        Assert.That(CriNode.StateOf(podId), Is.Not.Empty, "libcni's result cache (/var/lib/cni/results) holds the pod's ADDs");
    }

    /// <summary>Each applet of the list, and loopback, got DEL twice: on Stop (netns as given), on Remove without.</summary>
    private void AssertTwoDels(string podId, NUnit.Framework.Constraints.IResolveConstraint stopNetns)
    {
        var dels = _cri.Calls(podId, "DEL");
        foreach (var applet in CriNode.ListApplets.Append("loopback"))
        {
            var netnsOfEach = dels.Where(d => d.Applet == applet).Select(d => d.Netns).ToList();
            Assert.That(netnsOfEach, Has.Count.EqualTo(2), $"{applet}: DEL calls{Environment.NewLine}{_cri.Node.Report()}");
            Assert.That(netnsOfEach[0], stopNetns, $"{applet}: StopPodSandbox's DEL");
            Assert.That(netnsOfEach[1], Is.Empty, $"{applet}: RemovePodSandbox's DEL");
        }
    }
}
