using System.Text;
using System.Text.Json;
using CniBox.Applets.CniTool;
using CniBox.Spec.Skeleton;
using CniBox.Tests.Support;
using Serilog;

namespace CniBox.Tests.Processes;

/// <summary>
/// cnitool over shell-script plugins that record their env and stdin: chaining order, prevResult, the cache and
/// each verb's rules. Runs in-process (the applet with an in-memory context) and as the published binary.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public class CniToolChainTests(bool published)
{
    private string _root = null!;
    private string Conf => Path.Combine(_root, "net.d");
    private string Bin => Path.Combine(_root, "bin");
    private string Cache => Path.Combine(_root, "cache");
    private string Rec => Path.Combine(_root, "rec");
    private const string Netns = "/var/run/netns/cbt-fake";
    private static readonly string Cid = ContainerIdentity.ContainerId(Netns);

    [SetUp]
    public void Setup()
    {
        if (published) Binaries.RequirePublished();
        _root = Directory.CreateTempSubdirectory("cnibox-cnitool").FullName;
        foreach (var d in new[] { Conf, Bin, Cache, Rec }) Directory.CreateDirectory(d);
        foreach (var name in new[] { "a", "b", "c" }) Plugin(name);
    }

    [TearDown]
    public void Cleanup() => Directory.Delete(_root, true);

    /// <summary>A plugin that logs "CMD type", saves stdin and CNI_* env, then prints/exits as its control files say.</summary>
    private void Plugin(string name)
    {
        var path = Path.Combine(Bin, name);
        File.WriteAllText(path, $$"""
            #!/bin/sh
            t=$(basename "$0"); d={{Rec}}
            cat > "$d/$t.$CNI_COMMAND.stdin"
            echo "$CNI_COMMAND $t" >> "$d/log"
            env | grep '^CNI_' | sort > "$d/$t.$CNI_COMMAND.env"
            [ -f "$d/$t.stderr" ] && printf '%s' "$(cat "$d/$t.stderr")" >&2
            if [ -f "$d/$t.out" ]; then cat "$d/$t.out"; elif [ "$CNI_COMMAND" = ADD ] && [ ! -f "$d/$t.exit" ]; then echo '{}'; fi
            [ -f "$d/$t.exit" ] && exit "$(cat "$d/$t.exit")"
            exit 0
            """.Replace("\r", ""));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private void Control(string plugin, string kind, string text) => File.WriteAllText(Path.Combine(Rec, $"{plugin}.{kind}"), text);

    private string Stdin(string plugin, string verb) => File.ReadAllText(Path.Combine(Rec, $"{plugin}.{verb}.stdin"));

    private Dictionary<string, string> Env(string plugin, string verb) =>
        File.ReadAllLines(Path.Combine(Rec, $"{plugin}.{verb}.env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    private string[] Log() => File.Exists(Path.Combine(Rec, "log")) ? File.ReadAllLines(Path.Combine(Rec, "log")) : [];

    private void ClearLog() => File.Delete(Path.Combine(Rec, "log"));

    private string WriteList(string version, string plugins, string extra = "", string name = "net", string file = "10-net.conflist")
    {
        var path = Path.Combine(Conf, file);
        File.WriteAllText(path, $$"""{"cniVersion":"{{version}}","name":"{{name}}"{{extra}},"plugins":[{{plugins}}]}""");
        return path;
    }

    private const string ABC = """{"type":"a"},{"type":"b","capabilities":{"mac":true}},{"type":"c"}""";

    private string CachePath => Path.Combine(Cache, "results", $"net-{Cid}-eth0");

    private ProcessResult Cnitool(Dictionary<string, string>? extraEnv = null, params string[] args)
    {
        var env = new Dictionary<string, string> { ["NETCONFPATH"] = Conf, ["CNI_PATH"] = Bin, ["CNI_CACHE_DIR"] = Cache };
        foreach (var (k, v) in extraEnv ?? []) env[k] = v;
        if (published) return PluginProcess.Run(Binaries.Cnibox, env, args: ["cnitool", .. args]);
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var ctx = new AppletContext
        {
            Name = "cnitool", Args = args, Getenv = k => env.GetValueOrDefault(k), Stdin = Stream.Null,
            Stdout = stdout, Stderr = stderr, Log = new LoggerConfiguration().CreateLogger(), IsOwnNetns = _ => false,
        };
        var exit = new CniToolApplet().Run(ctx);
        return new ProcessResult(exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    private ProcessResult Verb(string verb, Dictionary<string, string>? env = null, string net = "net") => Cnitool(env, verb, net, Netns);

    private static void Ok(ProcessResult r) => Assert.That(r.ExitCode, Is.EqualTo(0), $"stdout: {r.Stdout}\nstderr: {r.Stderr}");

    private static string Failure(ProcessResult r)
    {
        Assert.That(r.ExitCode, Is.EqualTo(1), $"stdout: {r.Stdout}\nstderr: {r.Stderr}");
        Assert.That(r.Stdout, Is.Empty);
        return r.Stderr;
    }

    [Test]
    public void AddRunsInOrderPassingEachResultOnAndCachesTheLast()
    {
        WriteList("1.0.0", ABC);
        Control("a", "out", """{"ips":[{"gateway":"10.1.0.1","address":"10.1.0.5/24"}],"cniVersion":"1.0.0"}""");
        Control("b", "out", """{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.5/24","gateway":"10.1.0.1"}],"routes":[{"dst":"0.0.0.0/0"}]}""");
        Control("c", "out", """{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/x"}],"ips":[{"address":"10.1.0.5/24","interface":0}]}""");
        var r = Verb("add", new() { ["CAP_ARGS"] = """{"mac":"aa:bb:cc:dd:ee:ff","ips":["1.2.3.4"]}""", ["CNI_ARGS"] = "A=1;B=2" });
        Ok(r);
        Assert.That(Log(), Is.EqualTo(new[] { "ADD a", "ADD b", "ADD c" }));

        Assert.That(Stdin("a", "ADD"), Is.EqualTo("""{"cniVersion":"1.0.0","name":"net","type":"a"}"""), "the first plugin gets no prevResult");
        Assert.That(Stdin("b", "ADD"), Is.EqualTo(
            """{"capabilities":{"mac":true},"cniVersion":"1.0.0","name":"net","prevResult":{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.5/24","gateway":"10.1.0.1"}]},"runtimeConfig":{"mac":"aa:bb:cc:dd:ee:ff"},"type":"b"}"""));
        using (var prev = JsonDocument.Parse(Stdin("b", "ADD")))
        using (var aOut = JsonDocument.Parse(File.ReadAllText(Path.Combine(Rec, "a.out"))))
            Assert.That(JsonElement.DeepEquals(prev.RootElement.GetProperty("prevResult"), aOut.RootElement), "b's prevResult is a's stdout");
        Assert.That(Stdin("c", "ADD"), Does.Contain("\"routes\":[{\"dst\":\"0.0.0.0/0\"}]").And.Not.Contain("runtimeConfig"));

        var env = Env("a", "ADD");
        Assert.That((env["CNI_COMMAND"], env["CNI_CONTAINERID"], env["CNI_NETNS"], env["CNI_IFNAME"], env["CNI_ARGS"], env["CNI_PATH"]),
            Is.EqualTo(("ADD", Cid, Netns, "eth0", "A=1;B=2", Bin)));

        Assert.That(r.Stdout, Is.EqualTo("""
            {
                "cniVersion": "1.0.0",
                "interfaces": [
                    {
                        "name": "eth0",
                        "sandbox": "/x"
                    }
                ],
                "ips": [
                    {
                        "address": "10.1.0.5/24",
                        "interface": 0
                    }
                ]
            }
            """.Replace("\r", "")), "4-space indent, no trailing newline");

        using var cache = JsonDocument.Parse(File.ReadAllText(CachePath));
        Assert.That(cache.RootElement.GetProperty("kind").GetString(), Is.EqualTo("cniCacheV1"));
        Assert.That(cache.RootElement.GetProperty("config").GetString(),
            Is.EqualTo(Convert.ToBase64String(File.ReadAllBytes(Path.Combine(Conf, "10-net.conflist")))));
        Assert.That(cache.RootElement.GetProperty("result").GetProperty("ips")[0].GetProperty("interface").GetInt32(), Is.EqualTo(0));
        Assert.That(File.GetUnixFileMode(CachePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void AddStopsAtTheFirstFailureWithoutRollbackOrCache()
    {
        WriteList("1.0.0", ABC);
        Control("a", "out", """{"cniVersion":"1.0.0"}""");
        Control("b", "out", """{"code":11,"msg":"busy","details":"try later"}""");
        Control("b", "exit", "1");
        var err = Failure(Verb("add"));
        Assert.That(err, Does.StartWith("plugin type=\"b\" failed (add): busy; try later\n"));
        Assert.That(err, Does.Contain(Path.Combine(Conf, "10-net.conflist")), "the error names the file");
        Assert.That(Log(), Is.EqualTo(new[] { "ADD a", "ADD b" }), "c never runs, and nothing is deleted");
        Assert.That(File.Exists(CachePath), Is.False);
    }

    [Test]
    public void APluginMissingFromCniPathNamesTheDirectories()
    {
        WriteList("1.0.0", """{"type":"noop"}""");
        Assert.That(Failure(Verb("add")), Does.StartWith($"plugin type=\"noop\" failed (add): failed to find plugin \"noop\" in path [{Bin}]"));
    }

    [Test]
    public void APluginThatFailsWithStderrOnly()
    {
        WriteList("1.0.0", """{"type":"a"}""");
        Control("a", "stderr", "boom");
        Control("a", "exit", "1");
        Assert.That(Failure(Verb("add")), Does.StartWith("plugin type=\"a\" failed (add): netplugin failed: \"boom\": exit status 1"));
    }

    [Test]
    public void APluginPrintingGarbage()
    {
        WriteList("1.0.0", """{"type":"a"}""");
        Control("a", "out", "this is not json");
        Assert.That(Failure(Verb("add")), Does.StartWith("plugin type=\"a\" failed (add): "));
        Control("a", "exit", "1");
        Assert.That(Failure(Verb("add")), Does.StartWith("plugin type=\"a\" failed (add): netplugin failed but error parsing its diagnostic message \"this is not json\""));
    }

    [Test]
    public void DelRunsInReverseWithTheCachedResultAndRemovesTheCache()
    {
        WriteList("1.0.0", ABC);
        Control("c", "out", """{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.5/24"}]}""");
        Ok(Verb("add"));
        ClearLog();
        Ok(Verb("del"));
        Assert.That(Log(), Is.EqualTo(new[] { "DEL c", "DEL b", "DEL a" }));
        foreach (var p in new[] { "a", "b", "c" })
            Assert.That(Stdin(p, "DEL"), Does.Contain("\"prevResult\":{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.1.0.5/24\"}]}"));
        Assert.That(File.Exists(CachePath), Is.False);
    }

    [Test]
    public void DelWithoutACacheRunsEveryPluginWithoutPrevResult()
    {
        WriteList("1.0.0", ABC);
        Ok(Verb("del"));
        Assert.That(Log(), Is.EqualTo(new[] { "DEL c", "DEL b", "DEL a" }));
        Assert.That(Stdin("a", "DEL"), Does.Not.Contain("prevResult"));
    }

    [Test]
    public void DelBelow040SendsNoPrevResult()
    {
        WriteList("0.3.1", """{"type":"a"}""");
        Control("a", "out", """{"cniVersion":"0.3.1","ips":[{"version":"4","address":"10.1.0.5/24"}]}""");
        Ok(Verb("add"));
        Ok(Verb("del"));
        Assert.That(Stdin("a", "DEL"), Is.EqualTo("""{"cniVersion":"0.3.1","name":"net","type":"a"}"""));
    }

    [Test]
    public void DelWithABadCacheDropsItAndGoesOn()
    {
        WriteList("1.0.0", """{"type":"a"}""");
        Directory.CreateDirectory(Path.GetDirectoryName(CachePath)!);
        File.WriteAllText(CachePath, "garbage");
        Ok(Verb("del"));
        Assert.That(Stdin("a", "DEL"), Does.Not.Contain("prevResult"));
        Assert.That(File.Exists(CachePath), Is.False);
    }

    [Test]
    public void DelFailureKeepsTheCache()
    {
        WriteList("1.0.0", """{"type":"a"},{"type":"b"}""");
        Control("b", "out", """{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.5/24"}]}""");
        Ok(Verb("add"));
        File.Delete(Path.Combine(Rec, "b.out"));
        Control("a", "stderr", "nope");
        Control("a", "exit", "1");
        Assert.That(Failure(Verb("del")), Does.StartWith("plugin type=\"a\" failed (delete): netplugin failed: \"nope\": exit status 1"));
        Assert.That(File.Exists(CachePath), Is.True);
    }

    [Test]
    public void CheckRunsInOrderWithTheCachedResultConvertedToTheListVersion()
    {
        WriteList("0.4.0", """{"type":"a"},{"type":"b"}""");
        Control("b", "out", """{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.5/24"}]}""");
        Ok(Verb("add"));
        ClearLog();
        var r = Verb("check");
        Ok(r);
        Assert.That(r.Stdout, Is.Empty);
        Assert.That(Log(), Is.EqualTo(new[] { "CHECK a", "CHECK b" }));
        Assert.That(Stdin("a", "CHECK"), Is.EqualTo(
            """{"cniVersion":"0.4.0","name":"net","prevResult":{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.1.0.5/24"}],"dns":{}},"type":"a"}"""));
    }

    [Test]
    public void CheckBelow040IsRefusedAndDisableCheckRunsNothing()
    {
        WriteList("0.3.1", """{"type":"a"}""");
        Assert.That(Failure(Verb("check")), Does.StartWith("configuration version \"0.3.1\" does not support the CHECK command"));
        WriteList("1.0.0", """{"type":"a"}""", ",\"disableCheck\":\"true\"");
        Ok(Verb("check"));
        Assert.That(Log(), Is.Empty);
        WriteList("1.0.0", """{"type":"a"}""", ",\"disableCheck\":\"yes\"");
        Assert.That(Failure(Verb("check")), Does.Contain("invalid value \"yes\" for disableCheck"));
    }

    [Test]
    public void CheckFailureNamesThePlugin()
    {
        WriteList("1.0.0", """{"type":"a"}""");
        Control("a", "out", """{"code":999,"msg":"loopback interface is down"}""");
        Control("a", "exit", "1");
        Assert.That(Failure(Verb("check")), Does.StartWith("plugin type=\"a\" failed (check): loopback interface is down"));
    }

    [Test]
    public void StatusBelow110IsSilentAndAt110EachPluginGetsEmptyIds()
    {
        WriteList("1.0.0", """{"type":"a"}""");
        Ok(Verb("status"));
        Assert.That(Log(), Is.Empty);
        WriteList("1.1.0", """{"type":"a"},{"type":"b","capabilities":{"mac":true}}""");
        Ok(Verb("status", new() { ["CAP_ARGS"] = """{"mac":"x"}""" }));
        Assert.That(Log(), Is.EqualTo(new[] { "STATUS a", "STATUS b" }));
        var env = Env("a", "STATUS");
        Assert.That((env["CNI_CONTAINERID"], env["CNI_NETNS"], env["CNI_IFNAME"], env["CNI_ARGS"]), Is.EqualTo(("", "", "", "")));
        Assert.That(Stdin("b", "STATUS"), Is.EqualTo("""{"capabilities":{"mac":true},"cniVersion":"1.1.0","name":"net","type":"b"}"""));
    }

    [Test]
    public void StatusStopsAtTheFirstError()
    {
        WriteList("1.1.0", """{"type":"a"},{"type":"b"}""");
        Control("a", "out", """{"code":50,"msg":"not available"}""");
        Control("a", "exit", "1");
        Assert.That(Failure(Verb("status")), Does.StartWith("plugin type=\"a\" failed (status): not available"));
        Assert.That(Log(), Is.EqualTo(new[] { "STATUS a" }));
    }

    [Test]
    public void GcDeletesEveryCachedAttachmentOfTheNetworkThenGcsEachPlugin()
    {
        WriteList("1.1.0", """{"type":"a"},{"type":"b"}""");
        WriteList("1.1.0", """{"type":"c"}""", name: "other", file: "20-other.conflist");
        Control("b", "out", """{"cniVersion":"1.1.0","ips":[{"address":"10.1.0.5/24"}]}""");
        Control("c", "out", """{"cniVersion":"1.1.0","ips":[{"address":"10.2.0.5/24"}]}""");
        Ok(Cnitool(null, "add", "net", "/var/run/netns/one"));
        Ok(Cnitool(null, "add", "net", "/var/run/netns/two", "-i", "eth1"));
        Ok(Cnitool(null, "add", "other", "/var/run/netns/one"));
        ClearLog();

        Ok(Verb("gc"));
        Assert.That(Log(), Is.EqualTo(new[] { "DEL b", "DEL a", "DEL b", "DEL a", "GC a", "GC b" }));
        Assert.That(Directory.GetFiles(Path.Combine(Cache, "results")).Select(Path.GetFileName),
            Is.EqualTo(new[] { $"other-{ContainerIdentity.ContainerId("/var/run/netns/one")}-eth0" }));
        Assert.That(Stdin("a", "GC"), Is.EqualTo("""{"cniVersion":"1.1.0","name":"net","type":"a"}"""), "cnitool gives no valid-attachments");
        var env = Env("a", "GC");
        Assert.That((env["CNI_CONTAINERID"], env["CNI_NETNS"], env["CNI_IFNAME"], env["CNI_ARGS"]), Is.EqualTo(("", "", "", "")));
    }

    [Test]
    public void GcWithDisableGcRunsNothingAndBelow110OnlyDeletes()
    {
        WriteList("1.1.0", """{"type":"a"}""", ",\"disableGC\":true");
        Control("a", "out", """{"cniVersion":"1.1.0","ips":[{"address":"10.1.0.5/24"}]}""");
        Ok(Verb("add"));
        ClearLog();
        Ok(Verb("gc"));
        Assert.That(Log(), Is.Empty);

        WriteList("1.0.0", """{"type":"a"}""");
        Ok(Verb("gc"));
        Assert.That(Log(), Is.EqualTo(new[] { "DEL a" }));
    }

    [Test]
    public void GcErrorsAreJoined()
    {
        WriteList("1.1.0", """{"type":"a"},{"type":"b"}""");
        Control("a", "stderr", "gc-a");
        Control("a", "exit", "1");
        Control("b", "stderr", "gc-b");
        Control("b", "exit", "1");
        var err = Failure(Verb("gc"));
        Assert.That(err, Does.StartWith("failed to GC plugin a: netplugin failed: \"gc-a\": exit status 1\nfailed to GC plugin b: netplugin failed: \"gc-b\": exit status 1\n"));
    }

    [Test]
    public void IfnameFlagBeatsTheEnvironmentAndEmptyMeansEth0()
    {
        WriteList("1.0.0", """{"type":"a"}""");
        Control("a", "out", """{"cniVersion":"1.0.0"}""");
        Ok(Cnitool(new() { ["CNI_IFNAME"] = "net1" }, "add", "net", Netns, "--ifname", "net2"));
        Assert.That(Env("a", "ADD")["CNI_IFNAME"], Is.EqualTo("net2"));
        Ok(Cnitool(new() { ["CNI_IFNAME"] = "net1" }, "add", "net", Netns));
        Assert.That(Env("a", "ADD")["CNI_IFNAME"], Is.EqualTo("net1"));
        Ok(Cnitool(new() { ["CNI_IFNAME"] = "" }, "add", "net", Netns));
        Assert.That(Env("a", "ADD")["CNI_IFNAME"], Is.EqualTo("eth0"));
    }

    [Test]
    public void AddValidatesTheInterfaceNameAfterFindingThePlugin()
    {
        WriteList("1.0.0", """{"type":"a"}""");
        Assert.That(Failure(Cnitool(null, "add", "net", Netns, "-i", "a-name-too-long-x")),
            Does.StartWith("plugin type=\"a\" failed (add): interface name is too long; interface name should be less than 16 characters"));
        Assert.That(Log(), Is.Empty);
    }

    [TestCase("A=1;B", "invalid CNI_ARGS pair \"B\"")]
    [TestCase("A=1;", "invalid CNI_ARGS pair \"\"")]
    [TestCase("A=b=c", "invalid CNI_ARGS pair \"A=b=c\"")]
    public void BadCniArgsFail(string args, string message)
    {
        WriteList("1.0.0", """{"type":"a"}""");
        Assert.That(Failure(Verb("add", new() { ["CNI_ARGS"] = args })), Does.StartWith(message + "\n"));
        Assert.That(Log(), Is.Empty);
    }

    [TestCase("{not json")]
    [TestCase("[1,2]")]
    public void BadCapArgsFail(string capArgs)
    {
        WriteList("1.0.0", """{"type":"a"}""");
        Assert.That(Failure(Verb("add", new() { ["CAP_ARGS"] = capArgs })), Does.StartWith("CAP_ARGS: "));
        Assert.That(Log(), Is.Empty);
    }

    [Test]
    public void UnknownNetworkAndEmptyConfDir()
    {
        Assert.That(Failure(Verb("add")), Is.EqualTo($"no net configurations found in {Conf}\n"));
        WriteList("1.0.0", """{"type":"a"}""", name: "alpha");
        Assert.That(Failure(Verb("add")), Is.EqualTo($"no net configuration with name \"net\" in {Conf}; networks found: \"alpha\" (10-net.conflist)\n"));
    }

    [Test]
    public void ListShowsNetworksAndBrokenFiles()
    {
        WriteList("1.0.0", ABC);
        File.WriteAllText(Path.Combine(Conf, "30-bad.conf"), "{");
        var r = Cnitool(null, "list");
        Ok(r);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.Match("^NAME +VERSION +PLUGINS +FILE$"));
        Assert.That(lines[1], Does.Match($"^net +1.0.0 +a,b,c +{Path.Combine(Conf, "10-net.conflist")}$"));
        Assert.That(lines[2], Does.Contain("30-bad.conf  error: "));
    }

    [Test]
    public void HelpForEveryCommandAndUsageErrors()
    {
        foreach (var verb in new[] { "add", "check", "del", "gc", "status", "list" })
        {
            var help = Cnitool(null, verb, "--help");
            Ok(help);
            Assert.That(help.Stdout, Does.Contain($"cnitool {verb}"));
        }
        var root = Cnitool(null, "--help");
        Ok(root);
        Assert.That(root.Stdout, Does.Contain("add").And.Contain("NETCONFPATH"));
        Assert.That(Cnitool(null, "add", "net").ExitCode, Is.EqualTo(1));
        Assert.That(Cnitool(null, "frobnicate", "net", Netns).ExitCode, Is.EqualTo(1));
    }
}
