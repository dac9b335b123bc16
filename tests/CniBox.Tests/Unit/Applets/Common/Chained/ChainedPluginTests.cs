using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit.Applets.Common.Chained;

/// <summary>The chained-plugin base, driven as the skel drives an applet, with a test-only plugin that tags results.</summary>
public class ChainedPluginTests
{
    private sealed record TagConfig(PluginConfig Config, string Tag) : IChainedConfig;

    /// <summary>ADD appends an interface named after its <c>tag</c> key; every verb records the prevResult it got.</summary>
    private sealed class TagPlugin : ChainedPlugin<TagConfig>
    {
        public List<(CniCommand Verb, CniResult? Prev)> Seen { get; } = [];

        protected override TagConfig Parse(PluginCall call) =>
            PluginConfig.Parse(call.StdinData, c => new TagConfig(c, c.Root.String("tag") ?? "tag0"));

        protected override void Add(PluginCall call, TagConfig config, CniResult prevResult)
        {
            Seen.Add((call.Command, prevResult));
            prevResult.Interfaces.Add(new ResultInterface { Name = config.Tag, Mac = "02:00:00:00:00:01" });
        }

        protected override void Del(PluginCall call, TagConfig config, CniResult? prevResult) => Seen.Add((call.Command, prevResult));

        protected override void Check(PluginCall call, TagConfig config, CniResult prevResult) => Seen.Add((call.Command, prevResult));
    }

    /// <summary>portmap's wording for the same refusal.</summary>
    private sealed class WordedPlugin : ChainedPlugin<TagConfig>
    {
        protected override string MissingOnAdd => "must be called as chained plugin";
        protected override string MissingOnCheck => "Required prevResult missing";
        protected override TagConfig Parse(PluginCall call) => PluginConfig.Parse(call.StdinData, c => new TagConfig(c, ""));
        protected override void Add(PluginCall call, TagConfig config, CniResult prevResult) { }
        protected override void Del(PluginCall call, TagConfig config, CniResult? prevResult) { }
        protected override void Check(PluginCall call, TagConfig config, CniResult prevResult) { }
    }

    private const string Prev100 =
        "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/var/run/netns/x\"}]," +
        "\"ips\":[{\"interface\":0,\"address\":\"10.199.5.2/24\",\"gateway\":\"10.199.5.1\"}]}";

    private const string Prev040 =
        "{\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/var/run/netns/x\"}]," +
        "\"ips\":[{\"version\":\"4\",\"interface\":0,\"address\":\"10.199.5.2/24\",\"gateway\":\"10.199.5.1\"}]}";

    private static string Conf(string version, string? prev, string extra = "") =>
        $"{{\"cniVersion\":\"{version}\",\"name\":\"n\",\"type\":\"tag\"{extra}" + (prev is null ? "}" : $",\"prevResult\":{prev}}}");

    [Test]
    public void AddWithoutPrevResultFailsWithGosCodeAndMessage()
    {
        var plugin = new TagPlugin();
        var outcome = InMemorySkel.Run(plugin, InMemorySkel.Env("ADD"), Conf("1.0.0", null));
        Assert.That(outcome.Exit, Is.EqualTo(1));
        Assert.That(outcome.Error(), Is.EqualTo((999, "missing prevResult from earlier plugin")));
        Assert.That(plugin.Seen, Is.Empty, "the plugin's ADD never ran");
    }

    [Test]
    public void AddPassesThePrevResultOnWithWhatThePluginAdded()
    {
        var plugin = new TagPlugin();
        var outcome = InMemorySkel.Run(plugin, InMemorySkel.Env("ADD"), Conf("1.0.0", Prev100, ",\"tag\":\"ifb0\""));
        Assert.That(outcome.Exit, Is.EqualTo(0), outcome.Stdout);
        using var doc = System.Text.Json.JsonDocument.Parse(outcome.Stdout);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("cniVersion").GetString(), Is.EqualTo("1.0.0"));
        var interfaces = root.GetProperty("interfaces").EnumerateArray()
            .Select(i => (i.GetProperty("name").GetString(), i.TryGetProperty("sandbox", out var s) ? s.GetString() : null,
                i.TryGetProperty("mac", out var m) ? m.GetString() : null))
            .ToList();
        Assert.That(interfaces, Is.EqualTo(new (string?, string?, string?)[]
        {
            ("eth0", "/var/run/netns/x", null), ("ifb0", null, "02:00:00:00:00:01"),
        }));
        var ip = root.GetProperty("ips").EnumerateArray().Single();
        Assert.That((ip.GetProperty("interface").GetInt32(), ip.GetProperty("address").GetString(), ip.GetProperty("gateway").GetString()),
            Is.EqualTo((0, "10.199.5.2/24", "10.199.5.1")));
    }

    [TestCase("0.4.0", Prev040, "\"version\": \"4\"")]
    [TestCase("0.3.1", Prev040, "\"version\": \"4\"")]
    [TestCase("1.1.0", Prev100, "\"cniVersion\": \"1.1.0\"")]
    public void TheResultIsPrintedInTheConfigVersion(string version, string prev, string marker)
    {
        var outcome = InMemorySkel.Run(new TagPlugin(), InMemorySkel.Env("ADD"), Conf(version, prev));
        Assert.That(outcome.Exit, Is.EqualTo(0), outcome.Stdout);
        Assert.That(outcome.Stdout, Does.Contain($"\"cniVersion\": \"{version}\"").And.Contain(marker).And.Contain("\"name\": \"tag0\""));
    }

    [Test]
    public void APrevResultWithoutItsOwnVersionTakesTheConfigs()
    {
        var prev = Prev040.Replace("\"cniVersion\":\"0.4.0\",", "");
        var outcome = InMemorySkel.Run(new TagPlugin(), InMemorySkel.Env("ADD"), Conf("0.4.0", prev));
        Assert.That(outcome.Exit, Is.EqualTo(0), outcome.Stdout);
        Assert.That(outcome.Stdout, Does.Contain("\"cniVersion\": \"0.4.0\"").And.Contain("10.199.5.2/24"));
    }

    [Test]
    public void APrevResultOfAnotherVersionFamilyIsRefused()
    {
        var plugin = new TagPlugin();
        var outcome = InMemorySkel.Run(plugin, InMemorySkel.Env("ADD"), Conf("1.0.0", Prev040));
        var (code, msg) = outcome.Error();
        Assert.That(code, Is.EqualTo(999));
        Assert.That(msg, Does.StartWith("could not parse prevResult: result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is \"0.4.0\""));
        Assert.That(plugin.Seen, Is.Empty);
    }

    [Test]
    public void DelToleratesAMissingPrevResult()
    {
        var plugin = new TagPlugin();
        var outcome = InMemorySkel.Run(plugin, InMemorySkel.Env("DEL"), Conf("1.0.0", null));
        Assert.That((outcome.Exit, outcome.Stdout), Is.EqualTo((0, "")));
        Assert.That(plugin.Seen, Is.EqualTo(new (CniCommand, CniResult?)[] { (CniCommand.Del, null) }));
    }

    [Test]
    public void DelGetsThePrevResultWhenThereIsOne()
    {
        var plugin = new TagPlugin();
        Assert.That(InMemorySkel.Run(plugin, InMemorySkel.Env("DEL"), Conf("1.0.0", Prev100)).Exit, Is.EqualTo(0));
        Assert.That(plugin.Seen.Single().Prev!.Ips.Single().Address, Is.EqualTo("10.199.5.2/24"));
    }

    [Test]
    public void CheckRequiresThePrevResult()
    {
        var plugin = new TagPlugin();
        var outcome = InMemorySkel.Run(plugin, InMemorySkel.Env("CHECK"), Conf("1.0.0", null));
        Assert.That(outcome.Error(), Is.EqualTo((999, "missing prevResult from earlier plugin")));
        Assert.That(InMemorySkel.Run(plugin, InMemorySkel.Env("CHECK"), Conf("1.0.0", Prev100)).Exit, Is.EqualTo(0));
        Assert.That(plugin.Seen.Select(s => s.Verb), Is.EqualTo(new[] { CniCommand.Check }));
    }

    [TestCase("ADD", "must be called as chained plugin")]
    [TestCase("CHECK", "Required prevResult missing")]
    public void APluginCanWordTheRefusalAsItsGoPluginDoes(string verb, string message) =>
        Assert.That(InMemorySkel.Run(new WordedPlugin(), InMemorySkel.Env(verb), Conf("1.0.0", null)).Error(),
            Is.EqualTo((999, message)));
}
