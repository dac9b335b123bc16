using System.Text.Json;
using CniBox.Applets.Bandwidth;
using CniBox.Spec;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit.Applets.Bandwidth;

/// <summary>bandwidth speaks 0.3.0 on (Go's VersionsStartingFrom("0.3.0")), in VERSION and in the version gate; no root.</summary>
public sealed class BandwidthVersionTests
{
    private static readonly string[] From030 = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    [Test]
    public void VersionListsFrom030()
    {
        var outcome = InMemorySkel.Run(new BandwidthApplet(), new() { ["CNI_COMMAND"] = "VERSION" }, "");
        var supported = JsonDocument.Parse(outcome.Stdout).RootElement.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString());
        Assert.That(supported, Is.EqualTo(From030));
        Assert.That(CniVersion.StartingFrom("0.3.0"), Is.EqualTo(From030));
    }

    [TestCase("0.2.0")]
    [TestCase("0.1.0")]
    public void OlderConfigsAreIncompatibleAsGoSaysIt(string version)
    {
        var conf = $"{{\"cniVersion\":\"{version}\",\"name\":\"n\",\"type\":\"bandwidth\"}}";
        var outcome = InMemorySkel.Run(new BandwidthApplet(), InMemorySkel.Env("DEL"), conf);
        Assert.That(outcome.Error(), Is.EqualTo((1, "incompatible CNI versions")));
        Assert.That(JsonDocument.Parse(outcome.Stdout).RootElement.GetProperty("details").GetString(),
            Is.EqualTo($"config is \"{version}\", plugin supports [\"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\" \"1.1.0\"]"));
    }

    [Test]
    public void AddWithoutPrevResultIsGosChainedText()
    {
        var conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"bandwidth\",\"ingressRate\":8,\"ingressBurst\":8}";
        Assert.That(InMemorySkel.Run(new BandwidthApplet(), InMemorySkel.Env("ADD"), conf).Error(), Is.EqualTo((999, "must be called as chained plugin")));
        Assert.That(InMemorySkel.Run(new BandwidthApplet(), InMemorySkel.Env("CHECK"), conf).Error(), Is.EqualTo((999, "must be called as a chained plugin")));
    }
}
