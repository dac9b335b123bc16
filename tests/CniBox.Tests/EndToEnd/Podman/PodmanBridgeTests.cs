using System.Text.Json.Nodes;
using CniBox.Tests.Support;
using CniBox.Tests.Support.EndToEnd;

namespace CniBox.Tests.EndToEnd.Podman;

/// <summary>
/// podman 4.3.1's CNI backend with cnibox's symlinks as its only plugin dir, on the default list it writes (bridge,
/// portmap, firewall, tuning): one network (bridge cbtpod0, 10.199.81.0/24) and one HTTP server published on
/// 127.0.0.1 and the bridge address, made once for the fixture; each test adds what it needs and removes it. The
/// same tests run with Debian's Go plugins as the plugin dir: the oracle, so a test that fails for both is wrong.
/// </summary>
[Category("root"), NonParallelizable]
[TestFixture("ours")]
[TestFixture("go")]
public sealed class PodmanBridgeTests(string implementation)
{
    private const string Subnet = "10.199.81.";
    private const string Gateway = Subnet + "1";
    private const string HostPort = "18181";

    private PrivatePodman _podman = null!;
    private PodmanNetwork _network = null!;
    private PodmanAttachment _web = null!;
    private string _webId = "";

    [OneTimeSetUp]
    public void StartServer()
    {
        if (implementation == "go") Binaries.RequireGoPlugin("bridge");
        else Binaries.RequirePublished();
        _podman = new PrivatePodman(implementation == "go" ? Binaries.GoPluginDir : Binaries.AppletDir);
        _network = _podman.CreateNetwork($"cbtpod-bridge-{implementation}", "cbtpod0", "--subnet", Subnet + "0/24");
        _webId = _podman.RunWebServer("cbtpod-web", _network, "-p", $"{HostPort}:80");
        _web = _podman.Inspect("cbtpod-web", _network);
    }

    [OneTimeTearDown]
    public void Stop() => _podman?.Dispose();

    [Test]
    public void NetworkCreateWritesPodmansDefaultList()
    {
        var conflist = _network.ReadConflist();
        var plugins = conflist["plugins"]!.AsArray();
        Assert.That(plugins.Select(p => (string)p!["type"]!), Is.EqualTo(new[] { "bridge", "portmap", "firewall", "tuning" }));
        Assert.That((string)conflist["cniVersion"]!, Is.EqualTo("0.4.0"));
        Assert.That(_network.WrittenBridge, Does.StartWith("cni-podman"), "the bridge podman named before the rename");
        Assert.That((string)plugins[0]!["bridge"]!, Is.EqualTo("cbtpod0"));
        Assert.That(_podman.Node.IpIn("-o", "link", "show", "cbtpod0"), Does.Contain("cbtpod0"), "the bridge the plugins made");
    }

    [Test]
    public void NetworkIsListedAndInspectedAfterVersionProbes()
    {
        Assert.That(_podman.Must("network", "ls", "--format", "{{.Name}}").Split('\n'), Does.Contain(_network.Name));
        Assert.That(_podman.Must("network", "inspect", _network.Name, "--format", "{{.NetworkInterface}}").Trim(), Is.EqualTo("cbtpod0"));

        // The control: the same list naming a plugin the dir lacks is a network podman does not know.
        var probe = Path.Combine(_podman.NetworkConfigDir, "cbtpod-probe.conflist");
        var conflist = _network.ReadConflist();
        conflist["name"] = "cbtpod-probe";
        conflist["plugins"]![3]!["type"] = "cbtpod-missing";
        File.WriteAllText(probe, conflist.ToJsonString());
        try
        {
            var inspect = _podman.Run("network", "inspect", "cbtpod-probe");
            Assert.That(inspect.ExitCode, Is.Not.EqualTo(0), inspect.Stdout);
            Assert.That(inspect.Stderr, Does.Contain("failed to find plugin").And.Contain("cbtpod-missing").And.Contain("network not found"));
        }
        finally
        {
            File.Delete(probe);
        }
    }

    [Test]
    public void RunGetsAnAddressFromTheSubnet()
    {
        Assert.That(_web.Ipv4, Does.StartWith(Subnet));
        Assert.That(_web.Gateway, Is.EqualTo(Gateway));
        var eth0 = _podman.Exec("cbtpod-web", "ip", "-o", "-4", "addr", "show", "eth0");
        Assert.That(eth0, Does.Contain($"inet {_web.Ipv4}/24"));
        Assert.That(_podman.Exec("cbtpod-web", "cat", "/sys/class/net/eth0/address").Trim(), Is.EqualTo(_web.Mac));
    }

    [Test]
    public void CachedResultIsTheListsResult()
    {
        var cache = JsonNode.Parse(File.ReadAllText(Path.Combine("/var/lib/cni/results", $"{_network.Name}-{_webId}-eth0")))!;
        var result = cache["result"]!;
        var sandbox = _podman.Must("inspect", "cbtpod-web", "--format", "{{.NetworkSettings.SandboxKey}}").Trim();
        Assert.That((string)result["cniVersion"]!, Is.EqualTo("0.4.0"));
        var interfaces = result["interfaces"]!.AsArray();
        var names = interfaces.Select(i => (string)i!["name"]!).ToArray();
        Assert.That(names, Has.Length.EqualTo(3));
        Assert.That((names[0], names[1][..4], names[2]), Is.EqualTo(("cbtpod0", "veth", "eth0")), string.Join(',', names));
        Assert.That(((string?)interfaces[2]!["sandbox"], (string?)interfaces[2]!["mac"]), Is.EqualTo((sandbox, _web.Mac)));
        Assert.That(result["ips"]!.ToJsonString(), Is.EqualTo(
            $"[{{\"address\":\"{_web.Ipv4}/24\",\"gateway\":\"{Gateway}\",\"interface\":2,\"version\":\"4\"}}]"));
        Assert.That(result["routes"]!.ToJsonString(), Is.EqualTo("[{\"dst\":\"0.0.0.0/0\"}]"));
    }

    [Test]
    public void SecondContainerPingsTheFirst()
    {
        var ping = _podman.RunOnce(_network, "ping", "-c", "1", "-W", "3", _web.Ipv4);
        Assert.That(ping.ExitCode, Is.EqualTo(0), $"{ping.Stdout}{ping.Stderr}{_podman.Node.Report()}");
        Assert.That(ping.Stdout, Does.Contain("1 packets received"));
    }

    [TestCase("127.0.0.1")]
    [TestCase(Gateway)]
    public void PublishedPortAnswers(string address)
    {
        var curl = _podman.Node.Run("curl", ["-s", "-m", "5", $"http://{address}:{HostPort}/"]);
        Assert.That(curl.Stdout, Is.EqualTo(BusyboxRootfs.IndexHtml), $"curl exit {curl.ExitCode}: {curl.Stderr}{_podman.Node.Report()}");
    }

    [Test]
    public void StaticIpAndMacAreHonoured()
    {
        const string ip = Subnet + "77", mac = "02:42:0a:c7:51:4d";
        _podman.RunDetached("cbtpod-static", _network, ["--ip", ip, "--mac-address", mac], "sleep", "600");
        try
        {
            var attachment = _podman.Inspect("cbtpod-static", _network);
            Assert.That((attachment.Ipv4, attachment.Mac), Is.EqualTo((ip, mac)));
            Assert.That(_podman.Exec("cbtpod-static", "ip", "-o", "-4", "addr", "show", "eth0"), Does.Contain($"inet {ip}/24"));
            Assert.That(_podman.Exec("cbtpod-static", "cat", "/sys/class/net/eth0/address").Trim(), Is.EqualTo(mac));
            Assert.That(PodmanCniFiles.IpamFiles(_network.Name), Does.Contain(ip), "host-local reserved the asked-for address");
        }
        finally
        {
            _podman.Remove("cbtpod-static");
        }
    }
}
