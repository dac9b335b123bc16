using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CniBox.Tests.Support;
using CniBox.Tests.Support.EndToEnd;
using CriClient;
using CriClient.Api;
using Grpc.Core;

namespace CniBox.Tests.EndToEnd.Cri;

/// <summary>
/// kubelet's path: containerd 1.6's CRI plugin drives cnibox's symlinks (bin_dir) with a dual-stack conflist of
/// bridge (ipMasq) + portmap + firewall + tuning + bandwidth, through a pod's whole life as kubelet asks for it over
/// CRI v1: RunPodSandbox with a hostPort and bandwidth annotations, a busybox httpd container, StopPodSandbox (DEL
/// with the netns) and RemovePodSandbox (DEL again, CNI_NETNS empty). containerd calls loopback itself.
/// </summary>
[TestFixture]
[NonParallelizable]
public class CriPodLifecycleTests
{
    private const string Network = "cbtcri";
    private const string Bridge = "cbtcri0";
    private const string Subnet = "10.199.86.0/24";
    private const string Subnet6 = "fd99:0:86::/64";
    private const string Gateway6 = "fd99:0:86::1";
    private const int HostPort = 18600;
    private static readonly string[] ListApplets = ["bridge", "portmap", "firewall", "tuning", "bandwidth"];

    private RuntimeNode _node = null!;
    private PrivateContainerd _containerd = null!;
    private CriConnection _cri = null!;
    private string _hostLocalDir = null!;

    [SetUp]
    public void StartContainerd()
    {
        PrivateContainerd.RequireTools();
        _node = new RuntimeNode("cri");
        try
        {
            _containerd = new PrivateContainerd(_node);
            _containerd.ImportImage();
            _hostLocalDir = Path.Combine(_node.Dir, "host-local");
            File.WriteAllText(Path.Combine(_containerd.ConfDir, $"10-{Network}.conflist"), Conflist(_hostLocalDir));
            _cri = new CriConnection(_containerd.Socket);
            WaitNetworkReady();
        }
        catch
        {
            StopContainerd();
            throw;
        }
    }

    [TearDown]
    public void StopContainerd()
    {
        _cri?.Dispose();
        _containerd?.Dispose();
        _node.Dispose();
    }

    [Test]
    public void PodWithHostPortAndBandwidthServesHttpThenBothDelsLeaveNothing()
    {
        var config = PodConfig();
        var run = Stopwatch.StartNew();
        var podId = Cri("RunPodSandbox", () => _cri.Runtime.RunPodSandbox(new RunPodSandboxRequest { Config = config }))
            .PodSandboxId;
        var runMs = run.Elapsed.TotalMilliseconds;
        string podIp, podIp6;
        try
        {
            var network = Cri("PodSandboxStatus", () => _cri.Runtime.PodSandboxStatus(
                new PodSandboxStatusRequest { PodSandboxId = podId })).Status.Network;
            podIp = network.Ip;
            podIp6 = network.AdditionalIps.Select(a => a.Ip).SingleOrDefault() ?? "";
            Assert.That(IPNetwork.Parse(Subnet).Contains(IPAddress.Parse(podIp)), Is.True, $"pod IP {podIp} not from {Subnet}");
            Assert.That(IPAddress.TryParse(podIp6, out var v6) && IPNetwork.Parse(Subnet6).Contains(v6), Is.True,
                $"pod's additional IP '{podIp6}' not from {Subnet6}");
            StartHttpd(podId, config);

            AssertServesOnHostPort("127.0.0.1");
            AssertServesOnHostPort($"[{Gateway6}]");
            var ifbs = _node.Must("ip", "-d", "link", "show", "type", "ifb");
            Assert.That(ifbs, Does.Contain("ifb"), "bandwidth's ifb for the egress limit");
            var qdiscs = _node.Must("tc", "qdisc", "show");
            Assert.That(qdiscs.Split('\n').Count(l => l.StartsWith("qdisc tbf") && l.Contains("rate 10Mbit")), Is.EqualTo(2),
                $"a 10Mbit tbf on the host veth (ingress) and on the ifb (egress){Environment.NewLine}{qdiscs}");
            Assert.That(qdiscs, Does.Contain("qdisc ingress"), "the host veth's ingress qdisc redirecting to the ifb");
            Assert.That(FirewallText(), Does.Contain(podIp).And.Contain(podIp6),
                "portmap's and ipMasq's rules name the pod IPs while it runs");
            Assert.That(HostLocalFiles(), Does.Contain(podIp).And.Contain(podIp6), "host-local reserved the pod IPs");
            Assert.That(StateOf(podId), Is.Not.Empty, "libcni's result cache (/var/lib/cni/results) holds the pod's ADDs");
        }
        catch
        {
            TryRemove(podId);
            throw;
        }

        var stop = Stopwatch.StartNew();
        Cri("StopPodSandbox", () => _cri.Runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = podId }));
        var stopMs = stop.Elapsed.TotalMilliseconds;
        var remove = Stopwatch.StartNew();
        Cri("RemovePodSandbox", () => _cri.Runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = podId }));
        var removeMs = remove.Elapsed.TotalMilliseconds;
        TestContext.Out.WriteLine($"cnibox via {PrivateContainerd.Version}: RunPodSandbox {runMs:F0} ms, " +
            $"StopPodSandbox {stopMs:F0} ms, RemovePodSandbox {removeMs:F0} ms");

        AssertTwoDelsSecondWithoutNetns(podId);
        AssertNothingLeft(podId, podIp, podIp6);
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
        var id = Cri("CreateContainer", () => _cri.Runtime.CreateContainer(
            new CreateContainerRequest { PodSandboxId = podId, Config = container, SandboxConfig = podConfig })).ContainerId;
        Cri("StartContainer", () => _cri.Runtime.StartContainer(new StartContainerRequest { ContainerId = id }));
    }

    /// <summary>curl in the node gets index.html through the hostPort; httpd may need a moment, so up to 5 s.</summary>
    private void AssertServesOnHostPort(string host)
    {
        ProcessResult Curl() => _node.Run("curl", ["-s", "-S", "-g", "-m", "2", $"http://{host}:{HostPort}/"]);
        var result = Curl();
        for (var deadline = DateTime.UtcNow.AddSeconds(5); result.ExitCode != 0 && DateTime.UtcNow < deadline; result = Curl())
            Thread.Sleep(100);
        Assert.That(result.Stdout, Is.EqualTo(BusyboxRootfs.IndexHtml),
            $"{host}:{HostPort} in the node: {result.Stderr.Trim()}{Environment.NewLine}{_containerd.Report()}");
    }

    /// <summary>Each applet of the list, and loopback, got DEL twice: on Stop with the netns, on Remove without.</summary>
    private void AssertTwoDelsSecondWithoutNetns(string podId)
    {
        var dels = File.ReadAllLines(_node.PluginLog)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("Command", out var c) && c.GetString() == "DEL"
                && e.GetProperty("ContainerId").GetString() == podId)
            .Select(e => (Applet: e.GetProperty("Applet").GetString()!, Netns: e.GetProperty("Netns").GetString()!))
            .ToList();
        foreach (var applet in ListApplets.Append("loopback"))
        {
            var netnsOfEach = dels.Where(d => d.Applet == applet).Select(d => d.Netns).ToList();
            Assert.That(netnsOfEach, Has.Count.EqualTo(2), $"{applet}: DEL calls{Environment.NewLine}{_node.Report()}");
            Assert.That(netnsOfEach[0], Does.StartWith("/var/run/netns/cni-"), $"{applet}: StopPodSandbox's DEL");
            Assert.That(netnsOfEach[1], Is.Empty, $"{applet}: RemovePodSandbox's DEL");
        }
    }

    private void AssertNothingLeft(string podId, params string[] podIps)
    {
        var links = _node.Must("ip", "-d", "link", "show");
        Assert.That(links, Does.Not.Contain("veth").And.Not.Contain("ifb"), $"links left in the node{Environment.NewLine}{links}");
        var firewall = FirewallText();
        var hostLocal = HostLocalFiles().ToList();
        foreach (var ip in podIps)
        {
            Assert.That(firewall, Does.Not.Contain(ip).And.Not.Contain(podId),
                $"a rule of the pod is left{Environment.NewLine}{firewall}");
            Assert.That(hostLocal, Does.Not.Contain(ip), "host-local's reservation of the pod IP");
            Assert.That(StateOf(podId, ip), Is.Empty, $"state of the pod or of network {Network} left (result cache, records)");
        }
    }

    /// <summary>Files and dirs under /var/lib/cni and /run/cni named after the pod, its IP or the network.</summary>
    private static List<string> StateOf(string podId, string? podIp = null) =>
        new[] { "/var/lib/cni", "/run/cni" }.Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
            .Where(p => p.Contains(podId) || (podIp is not null && (Path.GetFileName(p) == podIp || Path.GetFileName(p) == Network)))
            .ToList();

    private string FirewallText() => _node.Must("nft", "list", "ruleset") + _node.Must("iptables-save") + _node.Must("ip6tables-save");

    private IEnumerable<string?> HostLocalFiles() =>
        Directory.EnumerateFiles(_hostLocalDir, "*", SearchOption.AllDirectories).Select(Path.GetFileName);

    private static string Conflist(string hostLocalDir) => $$$"""
        {"cniVersion": "1.0.0", "name": "{{{Network}}}", "plugins": [
          {"type": "bridge", "bridge": "{{{Bridge}}}", "isGateway": true, "ipMasq": true,
           "ipam": {"type": "host-local", "dataDir": "{{{hostLocalDir}}}",
                    "ranges": [[{"subnet": "{{{Subnet}}}"}], [{"subnet": "{{{Subnet6}}}"}]],
                    "routes": [{"dst": "0.0.0.0/0"}, {"dst": "::/0"}]}},
          {"type": "portmap", "capabilities": {"portMappings": true}},
          {"type": "firewall"},
          {"type": "tuning"},
          {"type": "bandwidth", "capabilities": {"bandwidth": true}}
        ]}
        """;

    private PodSandboxConfig PodConfig() => new()
    {
        Metadata = new PodSandboxMetadata { Name = "cbt-web", Uid = Guid.NewGuid().ToString(), Namespace = "cbt" },
        Hostname = "cbt-web",
        LogDirectory = Directory.CreateDirectory(Path.Combine(_node.Dir, "pod-logs")).FullName,
        PortMappings = { new PortMapping { Protocol = Protocol.Tcp, ContainerPort = 80, HostPort = HostPort } },
        Annotations =
        {
            ["kubernetes.io/ingress-bandwidth"] = "10M",
            ["kubernetes.io/egress-bandwidth"] = "10M",
        },
        Linux = new LinuxPodSandboxConfig(),
    };

    /// <summary>containerd loads a conflist written after start on its next look at conf_dir: NetworkReady says so.</summary>
    private void WaitNetworkReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var conditions = Cri("Status", () => _cri.Runtime.Status(new StatusRequest())).Status.Conditions;
            if (conditions.Any(c => c.Type == "NetworkReady" && c.Status)) return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"NetworkReady still false: {string.Join("; ", conditions)}{Environment.NewLine}{_containerd.Log}");
            Thread.Sleep(100);
        }
    }

    private void TryRemove(string podId)
    {
        try
        {
            _cri.Runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = podId });
            _cri.Runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = podId });
        }
        catch (RpcException e)
        {
            TestContext.Out.WriteLine($"cleanup of pod {podId}: {e.Status.Detail}");
        }
    }

    /// <summary>One CRI call; a failure shows containerd's error, its log, the plugin calls and the node's state.</summary>
    private T Cri<T>(string call, Func<T> rpc)
    {
        try
        {
            return rpc();
        }
        catch (RpcException e)
        {
            Assert.Fail($"{call} failed: {e.StatusCode}: {e.Status.Detail}{Environment.NewLine}{_containerd.Report()}");
            throw;
        }
    }
}
