using CniBox.Tests.Support;

namespace CniBox.Tests.Processes;

/// <summary>The published binary exec'd as a runtime does: env + stdin, checking exit codes and stdout.</summary>
[Category("process")]
public class SkeletonProcessTests
{
    private const string VersionJson =
        "{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.1.0\",\"0.2.0\",\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n";

    private static string Loopback => Binaries.Applet("loopback");

    private static ProcessResult Run(Dictionary<string, string> env, string stdin = "") =>
        PluginProcess.Run(Loopback, env, stdin);

    /// <summary>Every CNI plugin applet (IPAM included); cnitool is a tool with a command line, not a plugin.</summary>
    private static readonly string[] PluginApplets = ["bridge", "dhcp", "dummy", "flannel", "host-device", "host-local", "ipvlan", "loopback", "macvlan", "portmap", "ptp", "sbr", "static", "tap", "tuning", "vlan"];

    /// <summary>Applets that speak fewer versions than the others (bandwidth: 0.3.0 on, firewall: 0.4.0 on, vrf: 0.3.1 on); their VERSION is the contract's.</summary>
    private static readonly string[] FewerVersions = ["bandwidth", "firewall", "vrf"];

    [Test]
    public void InstallLinksEveryPluginAndCnitool()
    {
        var installed = Directory.GetFiles(Binaries.AppletDir).Select(Path.GetFileName);
        Assert.That(installed, Is.EquivalentTo(PluginApplets.Concat(FewerVersions).Append("cnitool")));
    }

    [TestCaseSource(nameof(PluginApplets))]
    public void VersionThroughEveryAppletSymlink(string applet)
    {
        var path = Binaries.Applet(applet);
        Assert.That(File.Exists(path), Is.True, $"{path} was not installed");
        var result = PluginProcess.Run(path, new() { ["CNI_COMMAND"] = "VERSION" });
        Assert.That((result.ExitCode, result.Stdout), Is.EqualTo((0, VersionJson)), applet);
    }

    [Test]
    public void VersionThroughCniboxFirstArgumentIgnoresStdin()
    {
        var result = PluginProcess.Run(Binaries.Cnibox, new() { ["CNI_COMMAND"] = "VERSION" }, "garbage{", ["loopback"]);
        Assert.That((result.ExitCode, result.Stdout), Is.EqualTo((0, VersionJson)));
    }

    [Test]
    public void NoCommandPrintsAboutOnStderr()
    {
        var result = Run([]);
        Assert.That((result.ExitCode, result.Stdout), Is.EqualTo((0, "")));
        Assert.That(result.Stderr, Does.Contain("CNI protocol versions supported: 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0"));
    }

    [Test]
    public void MissingEnvironmentIsCode4WithEveryName()
    {
        var result = Run(new() { ["CNI_COMMAND"] = "ADD" });
        Assert.That(CniAssert.Error(result, 4),
            Is.EqualTo("required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH] missing"));
    }

    [Test]
    public void ErrorObjectIsIndentedWithoutTrailingNewline()
    {
        var result = Run(new() { ["CNI_COMMAND"] = "DEL" });
        Assert.That(result.Stdout, Does.StartWith("{\n    \"cniVersion\": \"1.1.0\",\n    \"code\": 4,"));
        Assert.That(result.Stdout, Does.EndWith("}"));
    }

    [Test]
    public void MalformedJsonIsCode6() =>
        Assert.That(CniAssert.Error(Run(PluginProcess.Env("DEL"), "{not json"), 6),
            Is.EqualTo("error unmarshall network config: invalid JSON at line 1, column 2"));

    [TestCase("{\"cniVersion\":\"1.0.0\",\"type\":\"loopback\"}", 7, "missing network name")]
    [TestCase("{\"cniVersion\":\"1.0.0\",\"name\":\"_x\"}", 7, "invalid characters found in network name")]
    [TestCase("{\"cniVersion\":\"9.9.9\",\"name\":\"n\"}", 1, "incompatible CNI versions")]
    [TestCase("{\"cniVersion\":\"1.0\",\"name\":\"n\"}", 1, "incompatible CNI versions")]
    [TestCase("{\"cniVersion\":1,\"name\":\"n\"}", 6,
        "decoding version from network config: json: cannot unmarshal number into Go struct field .cniVersion of type string")]
    [TestCase("{\"cniVersion\":\"1.0.0\",\"name\":5}", 6,
        "error unmarshall network config: json: cannot unmarshal number into Go struct field .name of type string")]
    [TestCase("[{\"name\":\"n\"}]", 6,
        "error unmarshall network config: json: cannot unmarshal array into Go value of type struct { Name string \"json:\\\"name\\\"\" }")]
    [TestCase("null", 7, "missing network name")]
    public void BadConfigs(string config, int code, string? msg)
    {
        var actual = CniAssert.Error(Run(PluginProcess.Env("DEL"), config), code);
        if (msg is not null) Assert.That(actual, Is.EqualTo(msg));
    }

    [Test]
    public void UnsupportedVersionNamesWhatWeSupport()
    {
        var result = Run(PluginProcess.Env("DEL"), "{\"cniVersion\":\"9.9.9\",\"name\":\"n\"}");
        Assert.That(result.Stdout, Does.Contain("config is \\\"9.9.9\\\", plugin supports [\\\"0.1.0\\\""));
    }

    [TestCase("CHECK", "0.3.1", "config version does not allow CHECK")]
    [TestCase("GC", "1.0.0", "config version does not allow GC")]
    [TestCase("STATUS", "1.0.0", "config version does not allow STATUS")]
    [TestCase("CHECK", "9.9.9", "plugin version does not allow CHECK")]
    public void VerbGates(string verb, string version, string msg)
    {
        var env = PluginProcess.Env(verb, netns: "/var/run/netns/none");
        Assert.That(CniAssert.Error(Run(env, $"{{\"cniVersion\":\"{version}\",\"name\":\"n\"}}"), 1), Is.EqualTo(msg));
    }

    [TestCase("GC")]
    [TestCase("STATUS")]
    public void VerbsLoopbackLacksAreSilentSuccessAt110(string verb) =>
        CniAssert.SilentSuccess(Run(new() { ["CNI_COMMAND"] = verb, ["CNI_PATH"] = "/x" }, "{\"cniVersion\":\"1.1.0\",\"name\":\"n\"}"));

    [Test]
    public void UnknownVerbIsCode4() =>
        Assert.That(CniAssert.Error(Run(PluginProcess.Env("FOO"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}"), 4),
            Is.EqualTo("unknown CNI_COMMAND: FOO"));

    [Test]
    public void OversizedStdinIsCode5()
    {
        var huge = "{\"name\":\"n\",\"pad\":\"" + new string('x', 17 << 20) + "\"}";
        Assert.That(CniAssert.Error(Run(PluginProcess.Env("DEL"), huge), 5), Does.Contain("16 MiB"));
    }

    [Test]
    public void OwnNetnsIsRefusedBeforeAnythingHappens()
    {
        var env = PluginProcess.Env("ADD", netns: "/proc/self/ns/net", ifName: "lo");
        Assert.That(CniAssert.Error(Run(env, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"loopback\"}"), 8),
            Is.EqualTo("plugin's netns and netns from CNI_NETNS should not be the same"));
    }

    [Test]
    public void DebugLogGoesToStderrNeverStdout()
    {
        var env = PluginProcess.Env("DEL");
        env["CNIBOX_LOG_LEVEL"] = "Debug";
        var result = Run(env, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"loopback\"}");
        CniAssert.SilentSuccess(result);
        Assert.That(result.Stderr, Does.Contain("DBG loopback: DEL"));
    }

    [Test]
    public void LogFileGetsCompactJson()
    {
        var file = Path.GetTempFileName();
        try
        {
            var env = PluginProcess.Env("DEL");
            env["CNIBOX_LOG_LEVEL"] = "Debug";
            env["CNIBOX_LOG_FILE"] = file;
            CniAssert.SilentSuccess(Run(env, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}"));
            var line = File.ReadAllLines(file).First();
            Assert.That(line, Does.StartWith("{\"@t\":"));
            Assert.That(line, Does.Contain("\"Applet\":\"loopback\""));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Runtimes run plugins concurrently (containerd: loopback and eth0 of a pod in parallel) with one
    /// CNIBOX_LOG_FILE: every process's line must arrive whole. sh forks 64 at once, four times (Serilog's shared
    /// file sink, seek to the end and write, lost 1-4 lines of 64 here in most rounds).
    /// </summary>
    [Test]
    public void LogFileKeepsEveryLineOfConcurrentPlugins()
    {
        var dir = Directory.CreateTempSubdirectory("cnibox-concurrent-log").FullName;
        try
        {
            const int plugins = 256;
            var file = Path.Combine(dir, "plugins.log");
            var stdin = Path.Combine(dir, "loopback.json");
            File.WriteAllText(stdin, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"loopback\"}");
            var env = PluginProcess.Env("DEL");
            env["CNIBOX_LOG_LEVEL"] = "Debug";
            env["CNIBOX_LOG_FILE"] = file;
            var script = "for r in 0 64 128 192; do for i in $(seq $((r + 1)) $((r + 64))); do" +
                " CNI_CONTAINERID=cbt-concurrent-$i \"$0\" <\"$1\" >/dev/null 2>&1 & done; wait; done";
            Assert.That(PluginProcess.Run("sh", env, "", ["-c", script, Loopback, stdin]).ExitCode, Is.EqualTo(0));

            var containers = File.ReadAllLines(file)
                .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
                .Where(e => e.TryGetProperty("Command", out _))
                .Select(e => e.GetProperty("ContainerId").GetString());
            Assert.That(containers, Is.EquivalentTo(Enumerable.Range(1, plugins).Select(i => $"cbt-concurrent-{i}")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
