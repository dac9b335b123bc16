using System.Text.Json;
using CriClient;
using CriClient.Api;
using Grpc.Core;

namespace CniBox.Tests.Support.EndToEnd;

/// <summary>
/// A Kubernetes node as kubelet sees it, for the CRI tests: a <see cref="RuntimeNode"/> (tag <c>cri</c>) running a
/// <see cref="PrivateContainerd"/> whose conf_dir holds one dual-stack conflist, bridge <c>cbtcri0</c> (ipMasq) +
/// portmap + firewall + tuning + bandwidth (cniVersion 1.0.0, capabilities portMappings and bandwidth), and a CRI
/// v1 connection to it. Every CRI call goes through <see cref="Call"/>, which fails the test with containerd's
/// error, its log, the plugin calls and the node's kernel state.
/// </summary>
public sealed class CriNode : IDisposable
{
    public const string Network = "cbtcri";
    public const string Bridge = "cbtcri0";
    public const string Subnet = "10.199.86.0/24";
    public const string Subnet6 = "fd99:0:86::/64";
    public const string Gateway6 = "fd99:0:86::1";

    /// <summary>The applets of the conflist, in order (containerd calls loopback on its own).</summary>
    public static readonly string[] ListApplets = ["bridge", "portmap", "firewall", "tuning", "bandwidth"];

    private readonly CriConnection? _cri;

    public CriNode(string? pluginDir = null)
    {
        PrivateContainerd.RequireTools();
        Node = new RuntimeNode("cri");
        try
        {
            Containerd = new PrivateContainerd(Node, pluginDir);
            Containerd.ImportImage();
            HostLocalDir = Path.Combine(Node.Dir, "host-local");
            File.WriteAllText(Path.Combine(Containerd.ConfDir, $"10-{Network}.conflist"), Conflist(HostLocalDir));
            _cri = new CriConnection(Containerd.Socket);
            WaitNetworkReady();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public RuntimeNode Node { get; }
    public PrivateContainerd Containerd { get; } = null!;

    /// <summary>host-local's dataDir (private to the test, so a reservation left behind is seen).</summary>
    public string HostLocalDir { get; } = null!;

    /// <summary>One CRI call; a failure shows containerd's error, its log, the plugin calls and the node's state.</summary>
    public T Call<T>(string call, Func<RuntimeService.RuntimeServiceClient, T> rpc)
    {
        try
        {
            return rpc(_cri!.Runtime);
        }
        catch (RpcException e)
        {
            Assert.Fail($"{call} failed: {e.StatusCode}: {e.Status.Detail}{Environment.NewLine}{Containerd.Report()}");
            throw;
        }
    }

    public PodSandboxConfig PodConfig(string name, int hostPort) => new()
    {
        Metadata = new PodSandboxMetadata { Name = name, Uid = Guid.NewGuid().ToString(), Namespace = "cbt" },
        Hostname = name,
        LogDirectory = Directory.CreateDirectory(Path.Combine(Node.Dir, $"logs-{name}")).FullName,
        PortMappings = { new PortMapping { Protocol = Protocol.Tcp, ContainerPort = 80, HostPort = hostPort } },
        Annotations =
        {
            ["kubernetes.io/ingress-bandwidth"] = "10M",
            ["kubernetes.io/egress-bandwidth"] = "10M",
        },
        Linux = new LinuxPodSandboxConfig(),
    };

    public string RunPod(PodSandboxConfig config) =>
        Call("RunPodSandbox", cri => cri.RunPodSandbox(new RunPodSandboxRequest { Config = config })).PodSandboxId;

    /// <summary>The pod's IP and its additional IPs, as PodSandboxStatus reports them.</summary>
    public string[] PodIps(string podId)
    {
        var network = Call("PodSandboxStatus", cri => cri.PodSandboxStatus(new PodSandboxStatusRequest { PodSandboxId = podId }))
            .Status.Network;
        return [network.Ip, .. network.AdditionalIps.Select(a => a.Ip)];
    }

    public void StopPod(string podId) =>
        Call("StopPodSandbox", cri => cri.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = podId }));

    public void RemovePod(string podId) =>
        Call("RemovePodSandbox", cri => cri.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = podId }));

    /// <summary>Stop and Remove after a failed step, reporting (not failing on) what goes wrong.</summary>
    public void TryRemove(string podId)
    {
        try
        {
            _cri!.Runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = podId });
            _cri.Runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = podId });
        }
        catch (RpcException e)
        {
            TestContext.Out.WriteLine($"cleanup of pod {podId}: {e.Status.Detail}");
        }
    }

    /// <summary>The plugin calls for the pod with <paramref name="command"/>, in order: which applet, which netns.</summary>
    public List<(string Applet, string Netns)> Calls(string podId, string command) =>
        File.ReadAllLines(Node.PluginLog)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("Command", out var c) && c.GetString() == command
                && e.GetProperty("ContainerId").GetString() == podId)
            .Select(e => (e.GetProperty("Applet").GetString()!, e.GetProperty("Netns").GetString()!))
            .ToList();

    public string FirewallText() => Node.Must("nft", "list", "ruleset") + Node.Must("iptables-save") + Node.Must("ip6tables-save");

    public List<string?> HostLocalFiles() =>
        Directory.EnumerateFiles(HostLocalDir, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();

    /// <summary>Files and dirs under /var/lib/cni and /run/cni named after the pod, its IP or the network.</summary>
    public static List<string> StateOf(string podId, string? podIp = null) =>
        new[] { "/var/lib/cni", "/run/cni" }.Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
            .Where(p => p.Contains(podId) || (podIp is not null && (Path.GetFileName(p) == podIp || Path.GetFileName(p) == Network)))
            .ToList();

    /// <summary>No veth or ifb in the node; no rule, host-local file, result cache or record naming the pod.</summary>
    public void AssertNothingLeft(string podId, params string[] podIps)
    {
        var links = Node.Must("ip", "-d", "link", "show");
        Assert.That(links, Does.Not.Contain("veth").And.Not.Contain("ifb"), $"links left in the node{Environment.NewLine}{links}");
        var firewall = FirewallText();
        var hostLocal = HostLocalFiles();
        foreach (var ip in podIps)
        {
            Assert.That(firewall, Does.Not.Contain(ip).And.Not.Contain(podId),
                $"a rule of the pod is left{Environment.NewLine}{firewall}");
            Assert.That(hostLocal, Does.Not.Contain(ip), "host-local's reservation of the pod IP");
            Assert.That(StateOf(podId, ip), Is.Empty, $"state of the pod or of network {Network} left (result cache, records)");
        }
    }

    public void Dispose()
    {
        _cri?.Dispose();
        Containerd?.Dispose();
        Node.Dispose();
    }

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

    /// <summary>containerd loads a conflist written after start on its next look at conf_dir: NetworkReady says so.</summary>
    private void WaitNetworkReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var conditions = Call("Status", cri => cri.Status(new StatusRequest())).Status.Conditions;
            if (conditions.Any(c => c.Type == "NetworkReady" && c.Status)) return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"NetworkReady still false: {string.Join("; ", conditions)}{Environment.NewLine}{Containerd.Log}");
            Thread.Sleep(100);
        }
    }
}
