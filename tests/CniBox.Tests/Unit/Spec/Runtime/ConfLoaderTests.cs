using System.Text;
using CniBox.Spec.Runtime;

namespace CniBox.Tests.Unit.Spec.Runtime;

/// <summary>libcni's LoadNetworkConf lookup against files in a temp dir.</summary>
public class ConfLoaderTests
{
    private string _dir = null!;

    [SetUp]
    public void MakeDir() => _dir = Directory.CreateTempSubdirectory("cnibox-conf").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string List(string name, string type = "a", string version = "1.0.0", string extra = "") =>
        $$"""{"cniVersion":"{{version}}","name":"{{name}}"{{extra}},"plugins":[{"type":"{{type}}"}]}""";

    private string Error(string name) => Assert.Throws<CniRuntimeException>(() => ConfLoader.Load(_dir, name))!.Message;

    [Test]
    public void ConflistBeatsConfForTheSameName()
    {
        Write("00-first.conf", """{"cniVersion":"0.4.0","name":"net","type":"fromconf"}""");
        var file = Write("99-last.conflist", List("net", "fromlist"));
        var net = ConfLoader.Load(_dir, "net");
        Assert.That((net.File, PluginHeader.Of(net.Plugins[0]).Type), Is.EqualTo((file, "fromlist")));
    }

    [Test]
    public void FilesAreReadInLexicalOrderAndTheFirstMatchWins()
    {
        Write("20-b.conflist", List("net", "second"));
        Write("10-a.conflist", List("net", "first"));
        Assert.That(PluginHeader.Of(ConfLoader.Load(_dir, "net").Plugins[0]).Type, Is.EqualTo("first"));
    }

    [Test]
    public void AConfIsWrappedAsAOnePluginListAsLibcniMarshalsIt()
    {
        var file = Write("10-x.json", """{"type":"bridge","name":"net","cniVersion":"0.3.1","mtu":1500.0}""");
        var net = ConfLoader.Load(_dir, "net");
        Assert.That((net.Name, net.CniVersion, net.File, net.Plugins.Count), Is.EqualTo(("net", "0.3.1", file, 1)));
        Assert.That(Encoding.UTF8.GetString(net.Bytes),
            Is.EqualTo("""{"cniVersion":"0.3.1","name":"net","plugins":[{"cniVersion":"0.3.1","mtu":1500,"name":"net","type":"bridge"}]}"""));
    }

    [Test]
    public void AMalformedEarlierFileStopsTheLookupAndIsNamed()
    {
        var bad = Write("10-bad.conflist", "{\"name\":");
        Write("20-good.conflist", List("net"));
        Assert.That(Error("net"), Does.StartWith(bad + ": error parsing configuration list: "));
        // cnitool list still shows the good one.
        var networks = ConfLoader.ListNetworks(_dir);
        Assert.That(networks.Select(n => (n.Name, n.Error is null)), Is.EqualTo(new[] { ((string?)null, false), ("net", true) }));
    }

    [Test]
    public void AConfWithoutTypeIsAnErrorNamingTheFile()
    {
        var bad = Write("10-x.conf", """{"name":"net","cniVersion":"1.0.0"}""");
        Assert.That(Error("net"), Is.EqualTo($"{bad}: error parsing configuration: missing 'type'"));
    }

    [Test]
    public void PluginsUnderTheNetworkDirAreAppendedUnlessOnlyInlined()
    {
        Write("10-net.conflist", List("net", "inline"));
        Write("net/20-b.conf", """{"type":"dirB"}""");
        Write("net/10-a.conf", """{"type":"dirA"}""");
        Write("net/30-c.json", """{"type":"ignored"}""");
        var net = ConfLoader.Load(_dir, "net");
        Assert.That(net.Plugins.Select(p => PluginHeader.Of(p).Type), Is.EqualTo(new[] { "inline", "dirA", "dirB" }));
        Assert.That(net.PluginFiles[1], Is.EqualTo(Path.Combine(_dir, "net", "10-a.conf")));

        Write("10-net.conflist", List("net", "inline", extra: ",\"loadOnlyInlinedPlugins\":true"));
        Assert.That(ConfLoader.Load(_dir, "net").Plugins.Select(p => PluginHeader.Of(p).Type), Is.EqualTo(new[] { "inline" }));
    }

    [Test]
    public void AListWithoutPluginsTakesThemAllFromItsDir()
    {
        Write("10-net.conflist", """{"cniVersion":"1.0.0","name":"net"}""");
        Write("net/10-a.conf", """{"type":"dirA"}""");
        Assert.That(ConfLoader.Load(_dir, "net").Plugins.Select(p => PluginHeader.Of(p).Type), Is.EqualTo(new[] { "dirA" }));
    }

    [Test]
    public void NoPluginsAnywhereIsAnError()
    {
        var file = Write("10-net.conflist", """{"cniVersion":"1.0.0","name":"net"}""");
        Assert.That(Error("net"), Is.EqualTo($"{file}: no plugin configs found"));
    }

    [Test]
    public void LoadOnlyInlinedWithoutPluginsIsAnError()
    {
        Write("10-net.conflist", """{"cniVersion":"1.1.0","name":"net","loadOnlyInlinedPlugins":true}""");
        Assert.That(Error("net"), Does.EndWith("error parsing configuration list: `loadOnlyInlinedPlugins` is true, and no 'plugins' key"));
    }

    [Test]
    public void AnEmptyOrMissingDirHasNoConfigurations()
    {
        Assert.That(Error("net"), Is.EqualTo($"no net configurations found in {_dir}"));
        Assert.That(Assert.Throws<CniRuntimeException>(() => ConfLoader.Load(_dir + "/none", "net"))!.Message,
            Is.EqualTo($"no net configurations found in {_dir}/none"));
    }

    [Test]
    public void AnUnknownNameListsTheNetworksThatExist()
    {
        Write("10-a.conflist", List("alpha"));
        Write("20-b.conf", """{"cniVersion":"1.0.0","name":"beta","type":"x"}""");
        Assert.That(Error("gamma"), Is.EqualTo(
            $"no net configuration with name \"gamma\" in {_dir}; networks found: \"alpha\" (10-a.conflist), \"beta\" (20-b.conf)"));
    }

    [Test]
    public void VersionNegotiationPicksTheHighestSupported()
    {
        Write("10-a.conflist", List("net", extra: ",\"cniVersions\":[\"1.0.0\",\"1.1.0\",\"2.0.0\"]", version: "0.4.0"));
        Assert.That(ConfLoader.Load(_dir, "net").CniVersion, Is.EqualTo("1.1.0"));
    }

    [Test]
    public void ListShowsShadowedNetworks()
    {
        Write("10-a.conflist", List("net", "first"));
        Write("20-b.conf", """{"cniVersion":"1.0.0","name":"net","type":"second"}""");
        var networks = ConfLoader.ListNetworks(_dir);
        Assert.That(networks.Select(n => (n.Name, n.Shadowed, n.PluginTypes[0])),
            Is.EqualTo(new[] { ((string?)"net", false, "first"), ("net", true, "second") }));
    }
}
