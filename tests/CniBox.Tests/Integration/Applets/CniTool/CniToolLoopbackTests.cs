using System.Text.Json;
using CniBox.Applets.CniTool;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.CniTool;

/// <summary>
/// The published cnitool driving a real loopback conflist in a cbt-* netns, once with our loopback (applet symlinks)
/// and once with Debian's Go plugin: same kernel state and equivalent results and cache files.
/// </summary>
[Category("root")]
public class CniToolLoopbackTests
{
    private TestNetns _ns = null!;
    private string _root = null!;

    [SetUp]
    public void Setup()
    {
        Binaries.RequirePublished();
        _ns = new TestNetns("tool");
        _root = Directory.CreateTempSubdirectory("cnibox-cnitool-lo").FullName;
        Directory.CreateDirectory(Path.Combine(_root, "net.d"));
        File.WriteAllText(Path.Combine(_root, "net.d", "10-lo.conflist"),
            """{"cniVersion":"1.0.0","name":"cbt-lo","plugins":[{"type":"loopback"}]}""");
    }

    [TearDown]
    public void Cleanup()
    {
        _ns.Dispose();
        Directory.Delete(_root, true);
    }

    private ProcessResult Cnitool(string pluginDir, params string[] args) => PluginProcess.Run(Binaries.Cnibox, new()
    {
        ["NETCONFPATH"] = Path.Combine(_root, "net.d"),
        ["CNI_PATH"] = pluginDir,
        ["CNI_CACHE_DIR"] = Path.Combine(_root, "cache"),
        ["CNI_IFNAME"] = "lo",
    }, args: ["cnitool", .. args]);

    private bool LoIsUp() => _ns.IpIn("-o", "link", "show", "lo").Contains(",UP");

    private string CacheFile => Path.Combine(_root, "cache", "results", $"cbt-lo-{ContainerIdentity.ContainerId(_ns.Path)}-lo");

    private (string Result, string Cache) AddCheckDel(string pluginDir)
    {
        Assert.That(LoIsUp(), Is.False);
        var add = Cnitool(pluginDir, "add", "cbt-lo", _ns.Path);
        Assert.That(add.ExitCode, Is.EqualTo(0), add.Stderr);
        Assert.That(LoIsUp(), Is.True, "lo is up after add");
        var cache = File.ReadAllText(CacheFile);

        var check = Cnitool(pluginDir, "check", "cbt-lo", _ns.Path);
        Assert.That((check.ExitCode, check.Stdout), Is.EqualTo((0, "")), check.Stderr);

        var del = Cnitool(pluginDir, "del", "cbt-lo", _ns.Path);
        Assert.That((del.ExitCode, del.Stdout), Is.EqualTo((0, "")), del.Stderr);
        Assert.That(LoIsUp(), Is.False, "lo is down after del");
        Assert.That(File.Exists(CacheFile), Is.False, "the cache file goes with del");

        var check2 = Cnitool(pluginDir, "check", "cbt-lo", _ns.Path);
        Assert.That(check2.ExitCode, Is.EqualTo(1), "check fails once lo is down");
        Assert.That(check2.Stderr, Does.StartWith("plugin type=\"loopback\" failed (check): "));
        return (add.Stdout, cache);
    }

    [Test]
    public void OurLoopbackAndTheGoLoopbackGiveTheSameStateAndResults()
    {
        Binaries.RequireGoPlugin("loopback");
        var ours = AddCheckDel(Binaries.AppletDir);
        var go = AddCheckDel(Binaries.GoPluginDir);

        Assert.That(ours.Result, Is.EqualTo(go.Result), "cnitool prints the same result");
        using var oursCache = JsonDocument.Parse(ours.Cache);
        using var goCache = JsonDocument.Parse(go.Cache);
        Assert.That(JsonElement.DeepEquals(oursCache.RootElement.GetProperty("result"), goCache.RootElement.GetProperty("result")));
        Assert.That(ours.Cache, Is.EqualTo(go.Cache), "the cache files are identical");
        using var result = JsonDocument.Parse(ours.Result);
        Assert.That(result.RootElement.GetProperty("interfaces")[0].GetProperty("sandbox").GetString(), Is.EqualTo(_ns.Path));
    }
}
