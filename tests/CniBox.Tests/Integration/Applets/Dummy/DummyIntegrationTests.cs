using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Dummy;

/// <summary>
/// The dummy applet against a fresh container netns (from a node netns cbt-mv-h-*). This kernel has no dummy
/// links: the tests that need one skip on exactly "kernel has no dummy support (...)".
/// </summary>
[Category("root")]
public class DummyIntegrationTests
{
    private NetHarness _h = null!;
    private TestNetns _c = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        _h = new NetHarness("mv-h");
        _c = _h.Container("mv-a");
    }

    [TearDown]
    public void Destroy() => _h.Dispose();

    private string Conf() => NetHarness.Conf("dummy", "1.0.0", _h.HostLocal("10.199.129.0/24 fd99:0:98::/64"));

    private ProcessResult Run(string verb, string conf) => _h.Run(Binaries.Applet("dummy"), verb, conf, _c.Path, "cbt-mv1");

    [Test]
    public void AddCheckDel()
    {
        var conf = Conf();
        var result = CniAssert.Success(KernelLinkKinds.IgnoreIfMissing(Run("ADD", conf)));
        Assert.That(NetHarness.Link(_c, "eth0").GetProperty("linkinfo").GetProperty("info_kind").GetString(), Is.EqualTo("dummy"));
        Assert.That(_c.IpIn("addr", "show", "dev", "eth0"), Does.Contain("10.199.129.2/24").And.Contain("fd99:0:98::2/64"));
        CniAssert.SilentSuccess(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText())));
        _c.IpIn("link", "set", "eth0", "down");
        Assert.That(CniAssert.Error(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText())), 999), Is.EqualTo("Interface eth0 is down"));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(NetHarness.Links(_c), Is.Empty);
        Assert.That(_h.AllocatedIps(), Is.Empty);
    }

    [Test]
    public void AddOnAKernelWithoutDummyFailsClearlyAndLeavesNothing()
    {
        var result = Run("ADD", Conf());
        if (result.ExitCode == 0) Assert.Ignore("this kernel has dummy links");
        Assert.That(CniAssert.Error(result, 999), Is.EqualTo("kernel has no dummy support (CONFIG_DUMMY / modprobe dummy)"));
        Assert.That(NetHarness.Links(_c), Is.Empty);
        Assert.That(_h.AllocatedIps(), Is.Empty);
    }

    [Test]
    public void IpamIsRequiredByAddAndCheck()
    {
        var conf = NetHarness.Conf("dummy", "1.0.0", "");
        Assert.That(CniAssert.Error(Run("ADD", conf), 999), Is.EqualTo("dummy interface requires an IPAM configuration"));
        Assert.That(CniAssert.Error(Run("CHECK", CniJson.WithPrevResult(conf, "{\"cniVersion\":\"1.0.0\"}")), 999),
            Is.EqualTo("dummy interface requires an IPAM configuration"));
        Assert.That(NetHarness.Links(_c), Is.Empty);
    }
}
