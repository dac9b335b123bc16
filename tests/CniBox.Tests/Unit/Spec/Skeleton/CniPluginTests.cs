using System.Text;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit.Spec.Skeleton;

/// <summary>The skeleton in-process, with a fake applet and an in-memory context: no process globals touched.</summary>
public class CniPluginTests
{
    /// <summary>Its config is the stdin text; it records each parse and each verb with the config it was handed.</summary>
    private sealed class FakePlugin(Func<PluginCall, CniResult> add) : CniPlugin<string>
    {
        public List<CniCommand> Calls { get; } = [];
        public List<string> Parsed { get; } = [];
        public List<string> Handed { get; } = [];
        protected override string Parse(PluginCall call)
        {
            var text = Encoding.UTF8.GetString(call.StdinData);
            if (text.Contains("\"refuse\"")) throw new CniException(ErrorCode.InvalidNetworkConfig, "refused by parse");
            Parsed.Add(text);
            return text;
        }
        protected override CniResult Add(PluginCall call, string config) { Record(call, config); return add(call); }
        protected override void Del(PluginCall call, string config) => Record(call, config);
        protected override void Check(PluginCall call, string config) => Record(call, config);
        protected override void Gc(PluginCall call, string config) => Record(call, config);
        private void Record(PluginCall call, string config)
        {
            Calls.Add(call.Command);
            Handed.Add(config);
        }
    }

    /// <summary>GC and STATUS left to the base.</summary>
    private sealed class MinimalPlugin : CniPlugin<int>
    {
        protected override int Parse(PluginCall call) => 0;
        protected override CniResult Add(PluginCall call, int config) => new();
        protected override void Del(PluginCall call, int config) { }
        protected override void Check(PluginCall call, int config) { }
    }

    private static InMemorySkel.Outcome Run(IApplet plugin, Dictionary<string, string> env, string stdin, string logLevel = "") =>
        InMemorySkel.Run(plugin, env, stdin, logLevel);

    private static Dictionary<string, string> Env(string command, string netns = "/var/run/netns/x") => InMemorySkel.Env(command, netns);

    [Test]
    public void AddPrintsTheResultInTheConfigVersion()
    {
        var plugin = new FakePlugin(call => new CniResult
        {
            CniVersion = "1.1.0",
            Ips = [new IpConfig { Address = "10.199.0.2/24", Gateway = "10.199.0.1" }],
        });
        var outcome = Run(plugin, Env("ADD"), "{\"cniVersion\":\"0.4.0\",\"name\":\"n\"}");
        Assert.That(outcome.Exit, Is.EqualTo(0));
        Assert.That(outcome.Stdout, Does.Contain("\"cniVersion\": \"0.4.0\"").And.Contain("\"version\": \"4\""));
        Assert.That(outcome.Stdout, Does.Not.EndWith("\n"));
    }

    [Test]
    public void AnyOtherExceptionBecomes999WithoutAStackTrace()
    {
        var plugin = new FakePlugin(_ => throw new InvalidOperationException("boom"));
        var outcome = Run(plugin, Env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}");
        Assert.That(outcome.Exit, Is.EqualTo(1));
        Assert.That(outcome.Stdout, Does.Contain("\"code\": 999").And.Contain("\"msg\": \"boom\""));
        Assert.That(outcome.Stderr, Does.Contain("boom").And.Not.Contain("   at "));
    }

    [Test]
    public void AnArgumentExceptionIsItsTextWithoutTheParameterSuffix()
    {
        var plugin = new FakePlugin(_ => throw new ArgumentException("interface name \"x y\" is bad", "name"));
        var outcome = Run(plugin, Env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}");
        Assert.That(outcome.Stdout, Does.Contain("\"msg\": \"interface name \\\"x y\\\" is bad\"\n"));
        Assert.That(CniPlugin<int>.TextOf(new ArgumentNullException("name")), Is.EqualTo(new ArgumentNullException("name").Message));
    }

    [Test]
    public void StackTraceAppearsOnStderrAtDebug()
    {
        var plugin = new FakePlugin(_ => throw new InvalidOperationException("boom"));
        var outcome = Run(plugin, Env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}", "debug");
        Assert.That(outcome.Stderr, Does.Contain("   at "));
        Assert.That(outcome.Stdout, Does.Not.Contain("   at "));
    }

    [Test]
    public void CniExceptionPassesThroughWithDetails()
    {
        var plugin = new FakePlugin(_ => throw new CniException(ErrorCode.TryAgainLater, "busy", "lock held"));
        var outcome = Run(plugin, Env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}");
        Assert.That(outcome.Stdout, Is.EqualTo(
            "{\n    \"cniVersion\": \"1.0.0\",\n    \"code\": 11,\n    \"msg\": \"busy\",\n    \"details\": \"lock held\"\n}"));
    }

    [Test]
    public void OwnNetnsIsRefusedBeforeTheHandlerRuns()
    {
        var plugin = new FakePlugin(_ => new CniResult());
        var outcome = Run(plugin, Env("ADD", "/proc/self/ns/net"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}");
        Assert.That(outcome.Stdout, Does.Contain("\"code\": 8"));
        Assert.That(plugin.Calls, Is.Empty);
    }

    [Test]
    public void NetnsOverrideSkipsTheOwnNetnsCheck()
    {
        var plugin = new FakePlugin(_ => new CniResult());
        var env = Env("ADD", "/proc/self/ns/net");
        env["CNI_NETNS_OVERRIDE"] = "true";
        Assert.That(Run(plugin, env, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}").Exit, Is.EqualTo(0));
        Assert.That(plugin.Calls, Is.EqualTo(new[] { CniCommand.Add }));
    }

    [Test]
    public void MissingCniVersionMeans010()
    {
        var plugin = new FakePlugin(call => new CniResult
        {
            CniVersion = call.CniVersion,
            Ips = [new IpConfig { Address = "10.199.0.2/24" }],
        });
        var outcome = Run(plugin, Env("ADD"), "{\"name\":\"n\"}");
        Assert.That(outcome.Stdout, Does.Contain("\"cniVersion\": \"0.1.0\"").And.Contain("\"ip4\""));
    }

    [TestCase("GC")]
    [TestCase("STATUS")]
    public void VerbsWithoutAHandlerSucceedSilently(string verb)
    {
        var outcome = Run(new MinimalPlugin(), Env(verb), "{\"cniVersion\":\"1.1.0\",\"name\":\"n\"}");
        Assert.That((outcome.Exit, outcome.Stdout), Is.EqualTo((0, "")));
    }

    [TestCase("ADD")]
    [TestCase("DEL")]
    [TestCase("CHECK")]
    [TestCase("GC")]
    public void TheConfigIsParsedOnceAndHandedToTheVerb(string verb)
    {
        var plugin = new FakePlugin(_ => new CniResult());
        const string stdin = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"mtu\":1400}";
        Assert.That(Run(plugin, Env(verb), stdin).Exit, Is.EqualTo(0));
        Assert.That(plugin.Parsed, Is.EqualTo(new[] { stdin }));
        Assert.That(plugin.Handed, Is.EqualTo(new[] { stdin }));
        Assert.That(plugin.Calls, Is.EqualTo(new[] { PluginEnvironment.ParseCommand(verb)!.Value }));
    }

    [Test]
    public void AParseErrorStopsTheCallBeforeTheVerb()
    {
        var plugin = new FakePlugin(_ => new CniResult());
        var outcome = Run(plugin, Env("DEL"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"x\":\"refuse\"}");
        Assert.That(outcome.Stdout, Does.Contain("\"code\": 7").And.Contain("refused by parse"));
        Assert.That(plugin.Calls, Is.Empty);
    }

    [Test]
    public void TheSkelRefusesBeforeTheConfigIsParsed()
    {
        var plugin = new FakePlugin(_ => new CniResult());
        var outcome = Run(plugin, Env("CHECK"), "{\"cniVersion\":\"0.3.1\",\"name\":\"n\"}");
        Assert.That(outcome.Stdout, Does.Contain("config version does not allow CHECK"));
        Assert.That(plugin.Parsed, Is.Empty);
    }

    [Test]
    public void WithoutACommandTheAppletIntroducesItselfByItsTableName()
    {
        var env = Env("");
        var outcome = Run(new MinimalPlugin(), env, "");
        Assert.That(outcome.Exit, Is.EqualTo(0));
        Assert.That(outcome.Stderr, Does.StartWith("CNI fake plugin, cnibox "));
    }

    [TestCase("trace", Serilog.Events.LogEventLevel.Verbose)]
    [TestCase("Debug", Serilog.Events.LogEventLevel.Debug)]
    [TestCase("info", Serilog.Events.LogEventLevel.Information)]
    [TestCase("", Serilog.Events.LogEventLevel.Warning)]
    [TestCase("nonsense", Serilog.Events.LogEventLevel.Warning)]
    public void LogLevels(string text, Serilog.Events.LogEventLevel level) =>
        Assert.That(CniBox.Applets.AppletLogging.ParseLevel(text), Is.EqualTo(level));
}
