using System.Text;
using System.Text.Json;
using CniBox.Spec.Results;
using CniBox.Spec.Runtime;

namespace CniBox.Tests.Unit.Spec.Runtime;

/// <summary>libcni's cache layout in a temp dir: path, modes, field order, legacy files and attachment listing.</summary>
public class ResultCacheTests
{
    private string _dir = null!;
    private ResultCache _cache = null!;

    [SetUp]
    public void MakeDir()
    {
        _dir = Directory.CreateTempSubdirectory("cnibox-cache").FullName;
        _cache = new ResultCache(_dir);
    }

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, true);

    private static readonly byte[] Config = Encoding.UTF8.GetBytes("{\"name\":\"net\"}\n");

    private static CniResult Result() => CniResult.Parse(
        """{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/run/netns/x","mac":"0a:58:0a:01:00:05"}],"ips":[{"interface":0,"address":"10.1.0.5/24","gateway":"10.1.0.1"}],"routes":[{"dst":"0.0.0.0/0"}]}"""u8);

    [Test]
    public void SavedFileHasLibcniFieldOrderModesAndSortedResult()
    {
        var rt = new RuntimeConf("cid1", "/run/netns/x", "eth0")
        {
            Args = [new("K8S_POD_NAME", "p"), new("IgnoreUnknown", "1")],
            CapabilityArgs = JsonDocument.Parse("""{"portMappings":[{"hostPort":80.0,"containerPort":8080}],"mac":"x"}""").RootElement
                .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
        };
        _cache.Save(Result(), Config, "net", rt);

        var path = Path.Combine(_dir, "results", "net-cid1-eth0");
        Assert.That(File.ReadAllText(path), Is.EqualTo(
            "{\"kind\":\"cniCacheV1\",\"containerId\":\"cid1\",\"config\":\"eyJuYW1lIjoibmV0In0K\",\"ifName\":\"eth0\",\"networkName\":\"net\"," +
            "\"netns\":\"/run/netns/x\",\"cniArgs\":[[\"K8S_POD_NAME\",\"p\"],[\"IgnoreUnknown\",\"1\"]]," +
            "\"capabilityArgs\":{\"mac\":\"x\",\"portMappings\":[{\"containerPort\":8080,\"hostPort\":80}]}," +
            "\"result\":{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"mac\":\"0a:58:0a:01:00:05\",\"name\":\"eth0\",\"sandbox\":\"/run/netns/x\"}]," +
            "\"ips\":[{\"address\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\",\"interface\":0}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}"));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(Path.Combine(_dir, "results")),
            Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
    }

    [Test]
    public void EmptyNetnsArgsAndCapabilitiesAreOmitted()
    {
        var text = ResultCache.Serialize(Result(), [], "net", new RuntimeConf("cid1", "", "eth0"));
        Assert.That(text, Does.StartWith("{\"kind\":\"cniCacheV1\",\"containerId\":\"cid1\",\"config\":\"\",\"ifName\":\"eth0\",\"networkName\":\"net\",\"result\":{"));
    }

    [Test]
    public void CachedResultIsConvertedToTheListVersion()
    {
        var rt = new RuntimeConf("cid1", "/run/netns/x", "eth0");
        _cache.Save(Result(), Config, "net", rt);
        var prev = _cache.GetResult("net", "0.4.0", rt)!;
        Assert.That(prev.ToJson("0.4.0", indented: false), Does.Contain("{\"version\":\"4\",\"interface\":0,\"address\":\"10.1.0.5/24\""));
        Assert.That(_cache.GetResult("net", "0.4.0", rt with { IfName = "eth1" }), Is.Null, "no file, no result");
    }

    [Test]
    public void ALegacyBareResultFileIsRead()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "results"));
        File.WriteAllText(Path.Combine(_dir, "results", "net-cid1-eth0"), """{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.9.0.2/16"}],"dns":{}}""");
        var prev = _cache.GetResult("net", "1.0.0", new RuntimeConf("cid1", "", "eth0"))!;
        Assert.That(prev.ToJson("1.0.0", indented: false), Is.EqualTo("""{"cniVersion":"1.0.0","ips":[{"address":"10.9.0.2/16"}]}"""));
    }

    [Test]
    public void AConversionThatCannotWorkIsAnError()
    {
        var rt = new RuntimeConf("cid1", "", "eth0");
        _cache.Save(CniResult.Parse("""{"cniVersion":"1.0.0"}"""u8), Config, "net", rt);
        var e = Assert.Throws<CniRuntimeException>(() => _cache.GetResult("net", "0.2.0", rt))!;
        Assert.That(e.Message, Is.EqualTo("failed to convert cached result to config version \"0.2.0\": cannot convert: no valid IP addresses"));
    }

    [Test]
    public void AttachmentsNeedTheV1KindAnIfNameAndANetworkName()
    {
        _cache.Save(Result(), Config, "net", new RuntimeConf("c1", "/run/netns/a", "eth0") { Args = [new("A", "1")] });
        _cache.Save(Result(), Config, "other", new RuntimeConf("c2", "", "eth1"));
        File.WriteAllText(Path.Combine(_dir, "results", "net-c3-eth0"), """{"cniVersion":"0.4.0"}""");
        File.WriteAllText(Path.Combine(_dir, "results", "net-c4-eth0"), """{"kind":"cniCacheV1","containerId":"c4","networkName":"net"}""");
        File.WriteAllText(Path.Combine(_dir, "results", "garbage"), "not json");

        var all = _cache.GetCachedAttachments();
        Assert.That(all.Select(a => (a.Network, a.ContainerId, a.IfName, a.NetNs)),
            Is.EqualTo(new[] { ("net", "c1", "eth0", "/run/netns/a"), ("other", "c2", "eth1", "") }));
        Assert.That(all[0].CniArgs, Is.EqualTo(new[] { new KeyValuePair<string, string>("A", "1") }));
        Assert.That(all[0].Config, Is.EqualTo(Config));
        Assert.That(_cache.GetCachedAttachments("c2").Select(a => a.Network), Is.EqualTo(new[] { "other" }));
    }

    [Test]
    public void AttachmentsOfAMissingDirAreNone() =>
        Assert.That(new ResultCache(Path.Combine(_dir, "none")).GetCachedAttachments(), Is.Empty);

    [Test]
    public void DeleteRemovesTheFileAndToleratesAMissingOne()
    {
        var rt = new RuntimeConf("cid1", "", "eth0");
        _cache.Save(Result(), Config, "net", rt);
        _cache.Delete("net", rt);
        Assert.That(File.Exists(_cache.PathFor("net", rt)), Is.False);
        Assert.DoesNotThrow(() => _cache.Delete("net", rt));
        Assert.DoesNotThrow(() => new ResultCache(Path.Combine(_dir, "none")).Delete("net", rt));
    }

    [Test]
    public void PathNeedsAllThreeParts() =>
        Assert.That(Assert.Throws<CniRuntimeException>(() => _cache.PathFor("net", new RuntimeConf("", "", "eth0")))!.Message,
            Is.EqualTo("cache file path requires network name (\"net\"), container ID (\"\"), and interface name (\"eth0\")"));
}
