using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Loopback;

/// <summary>The loopback applet run as a runtime runs it, in a fresh namespace, reading the kernel state back.</summary>
[Category("root")]
public class LoopbackIntegrationTests
{
    private TestNetns _ns = null!;

    [SetUp]
    public void CreateNamespace() => _ns = new TestNetns("lo");

    [TearDown]
    public void DeleteNamespace() => _ns.Dispose();

    private ProcessResult Run(string verb, string version = "1.1.0", string? netns = null, string extra = "")
    {
        var env = PluginProcess.Env(verb, netns: netns ?? _ns.Path, ifName: "lo");
        return PluginProcess.Run(Binaries.Applet("loopback"), env,
            $"{{\"cniVersion\":\"{version}\",\"name\":\"cbt-lo\",\"type\":\"loopback\"{extra}}}");
    }

    private bool LoIsUp() => _ns.IpIn("-o", "link", "show", "lo").Contains(",UP");

    [Test]
    public void AddBringsLoUpAndReportsItsAddresses()
    {
        Assert.That(LoIsUp(), Is.False, "a fresh namespace has lo down");
        var result = CniAssert.Success(Run("ADD"));
        Assert.That(LoIsUp(), Is.True);

        Assert.That(result.GetProperty("cniVersion").GetString(), Is.EqualTo("1.1.0"));
        var iface = result.GetProperty("interfaces")[0];
        Assert.That(iface.GetProperty("name").GetString(), Is.EqualTo("lo"));
        Assert.That(iface.GetProperty("mac").GetString(), Is.EqualTo("00:00:00:00:00:00"));
        Assert.That(iface.GetProperty("sandbox").GetString(), Is.EqualTo(_ns.Path));
        var ips = result.GetProperty("ips").EnumerateArray().Select(ip => ip.GetProperty("address").GetString()).ToList();
        Assert.That(ips, Is.EqualTo(new[] { "127.0.0.1/8", "::1/128" }));
        Assert.That(result.GetProperty("ips")[0].GetProperty("interface").GetInt32(), Is.EqualTo(0));
        Assert.That(_ns.IpIn("-o", "addr", "show", "lo"), Does.Contain("127.0.0.1/8").And.Contain("::1/128"));
    }

    [Test]
    public void CheckPassesWhileUpAndFailsOnceLoIsDown()
    {
        CniAssert.Success(Run("ADD"));
        CniAssert.SilentSuccess(Run("CHECK"));
        _ns.IpIn("link", "set", "lo", "down");
        Assert.That(CniAssert.Error(Run("CHECK"), 999), Is.EqualTo("loopback interface is down"));
    }

    [Test]
    public void DelTakesLoDownAndIsIdempotent()
    {
        CniAssert.Success(Run("ADD"));
        CniAssert.SilentSuccess(Run("DEL"));
        Assert.That(LoIsUp(), Is.False);
        CniAssert.SilentSuccess(Run("DEL"));
    }

    [Test]
    public void DelSucceedsWhenTheNetnsIsGoneOrEmpty()
    {
        var gone = _ns.Path;
        _ns.Dispose();
        CniAssert.SilentSuccess(Run("DEL", netns: gone));
        CniAssert.SilentSuccess(Run("DEL", netns: ""));
    }

    [TestCase("/tmp", "not a network namespace")]
    [TestCase("/etc/hostname", "not a network namespace")]
    [TestCase("/var/run/netns/cbt-does-not-exist", "no such file or directory")]
    public void AddRefusesAPathThatIsNotANetns(string path, string why) =>
        Assert.That(CniAssert.Error(Run("ADD", netns: path), 8), Does.Contain(path).And.Contain(why));

    [Test]
    public void AddPassesAPrevResultThroughConvertedToTheConfigVersion()
    {
        const string prev = ",\"prevResult\":{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.199.0.5/24\",\"gateway\":\"10.199.0.1\"}]}";
        var result = CniAssert.Success(Run("ADD", "1.0.0", extra: prev));
        Assert.That(result.GetProperty("cniVersion").GetString(), Is.EqualTo("1.0.0"));
        Assert.That(result.GetProperty("ips")[0].GetProperty("address").GetString(), Is.EqualTo("10.199.0.5/24"));
        Assert.That(result.TryGetProperty("interfaces", out _), Is.False, "nothing of loopback's own is added");
        Assert.That(LoIsUp(), Is.True, "lo is still brought up");
    }

    [Test]
    public void AddRefusesANonLoopbackAddressOnLo()
    {
        _ns.IpIn("addr", "add", "10.199.1.1/32", "dev", "lo");
        Assert.That(CniAssert.Error(Run("ADD"), 999), Does.Contain("non-loopback address \"10.199.1.1\""));
    }

    [TestCase("0.1.0")]
    [TestCase("0.2.0")]
    [TestCase("0.3.0")]
    [TestCase("0.3.1")]
    [TestCase("0.4.0")]
    [TestCase("1.0.0")]
    [TestCase("1.1.0")]
    public void ResultIsInTheConfigVersion(string version)
    {
        var result = CniAssert.Success(Run("ADD", version));
        Assert.That(result.GetProperty("cniVersion").GetString(), Is.EqualTo(version));
        var legacy = version is "0.1.0" or "0.2.0";
        Assert.That(result.TryGetProperty("ip4", out var ip4), Is.EqualTo(legacy));
        if (legacy) Assert.That(ip4.GetProperty("ip").GetString(), Is.EqualTo("127.0.0.1/8"));
        else Assert.That(result.GetProperty("ips").GetArrayLength(), Is.EqualTo(2));
        if (version.StartsWith("0.3") || version == "0.4.0")
            Assert.That(result.GetProperty("ips")[0].GetProperty("version").GetString(), Is.EqualTo("4"));
        if (version.StartsWith("1."))
            Assert.That(result.GetProperty("ips")[0].TryGetProperty("version", out _), Is.False);
    }
}
