using System.Text.Json;
using System.Text.Json.Nodes;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Flannel;

/// <summary>
/// Where the delegate runs: our bridge (and its host-local) inside the flannel process, no second exec, seen by
/// strace; Debian's Go bridge exec'd from CNI_PATH when that is what CNI_PATH holds. The result is the same.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class FlannelDelegateExecTests
{
    private NetHarness _net = null!;
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        TestNetns.RequireRoot();
        Binaries.RequirePublished();
        Assume.That(File.Exists("/usr/bin/strace"), "needs strace");
        _net = new NetHarness("fl-");
        _dir = Directory.CreateTempSubdirectory("cbt-fl-exec-").FullName;
        File.WriteAllText(Path.Combine(_dir, "subnet.env"), "FLANNEL_NETWORK=10.199.64.0/18\nFLANNEL_SUBNET=10.199.64.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n");
    }

    [TearDown]
    public void TearDown()
    {
        _net.Dispose();
        Directory.Delete(_dir, true);
    }

    private string Conf =>
        $"{{\"cniVersion\":\"1.0.0\",\"name\":\"cbtfl\",\"type\":\"flannel\",\"subnetFile\":\"{_dir}/subnet.env\",\"dataDir\":\"{_dir}/flannel\"," +
        $"\"ipam\":{{\"dataDir\":\"{_net.DataDir}\"}},\"delegate\":{{\"bridge\":\"cbtfl0\"}}}}";

    [Test]
    public void OurDelegateRunsInProcessAndGosIsExecdWithTheSameResult()
    {
        var container = _net.Container("fl-c");
        var (ours, oursExecs) = AddTraced(Binaries.AppletDir, container);
        Assert.That(oursExecs, Is.EqualTo(new[] { Binaries.Applet("flannel") }), "one exec: flannel itself");
        Assert.That(Run(Binaries.AppletDir, "DEL", container).ExitCode, Is.EqualTo(0));
        Assert.That(_net.AllocatedIps(), Is.Empty);
        // host-local's last_reserved_ip would give the second ADD the next address.
        Directory.Delete(Path.Combine(_net.DataDir, "cbtfl"), true);

        var goBin = Path.Combine(_dir, "gobin");
        Directory.CreateDirectory(goBin);
        File.CreateSymbolicLink(Path.Combine(goBin, "flannel"), Binaries.Applet("flannel"));
        foreach (var name in new[] { "bridge", "host-local" }) File.CreateSymbolicLink(Path.Combine(goBin, name), Binaries.GoPlugin(name));
        var (go, goExecs) = AddTraced(goBin, container);
        Assert.That(goExecs, Is.EqualTo(new[] { "flannel", "bridge", "host-local" }.Select(n => Path.Combine(goBin, n))));
        Assert.That(Run(goBin, "DEL", container).ExitCode, Is.EqualTo(0));

        Assert.That(Normalized(ours), Is.EqualTo(Normalized(go)));
        Assert.That(Normalized(ours), Does.Contain("\"address\":\"10.199.64.2/24\"").And.Contain("\"dst\":\"10.199.64.0/18\""));
        Assert.That((_net.AllocatedIps(), Directory.GetFiles(Path.Combine(_dir, "flannel"))), Is.EqualTo((Array.Empty<string>(), Array.Empty<string>())));
    }

    private (string Result, string[] Execs) AddTraced(string cniPath, TestNetns container)
    {
        var log = Path.Combine(_dir, "trace");
        var env = PluginProcess.Env("ADD", "cbt-fl-1", container.Path, "eth0", cniPath);
        var result = PluginProcess.Run("ip", env, Conf,
            ["netns", "exec", _net.Host.Name, "strace", "-f", "-qq", "-e", "trace=execve", "-o", log, Path.Combine(cniPath, "flannel")]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stdout + result.Stderr);
        var execs = File.ReadAllLines(log).Where(l => l.Contains("execve(\"") && !l.Contains("= -1"))
            .Select(l => l.Split("execve(\"")[1].Split('"')[0]).ToArray();
        File.Delete(log);
        return (result.Stdout, execs);
    }

    private ProcessResult Run(string cniPath, string verb, TestNetns container) =>
        PluginProcess.Run("ip", PluginProcess.Env(verb, "cbt-fl-1", container.Path, "eth0", cniPath), Conf,
            ["netns", "exec", _net.Host.Name, Path.Combine(cniPath, "flannel")]);

    /// <summary>The result without what differs by nature between two ADDs: MACs and the random host veth name.</summary>
    private static string Normalized(string result)
    {
        var root = JsonNode.Parse(result)!.AsObject();
        foreach (var iface in root["interfaces"]!.AsArray())
        {
            iface!.AsObject().Remove("mac");
            if (iface["name"]!.GetValue<string>().StartsWith("veth")) iface["name"] = "VETH";
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
