using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Vrf;

/// <summary>
/// vrf after a plugin that left eth0 (10.199.248.2/24 and fd99:0:218::2/64, a route through 10.199.248.1) in a
/// throwaway container netns. On a kernel without VRF devices ADD must fail with the CNI error naming the missing
/// support and change nothing; the tests that need a VRF skip on exactly that error, saying so.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class VrfIntegrationTests
{
    private TestNetns _container = null!;
    private string _cid = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        _container = new TestNetns("hd");
        _cid = "cbt-hd-" + Guid.NewGuid().ToString("N")[..8];
        _container.IpIn("link", "add", "eth0", "type", "veth", "peer", "name", "cbthdv1");
        _container.IpIn("addr", "add", "10.199.248.2/24", "dev", "eth0");
        _container.IpIn("addr", "add", "fd99:0:218::2/64", "dev", "eth0", "nodad");
        _container.IpIn("link", "set", "eth0", "up");
        _container.IpIn("link", "set", "cbthdv1", "up");
        _container.IpIn("route", "add", "10.199.249.0/24", "via", "10.199.248.1", "dev", "eth0");
    }

    [TearDown]
    public void Destroy() => _container.Dispose();

    private ProcessResult Run(string verb, string conf) =>
        PluginProcess.Run(Binaries.Applet("vrf"), PluginProcess.Env(verb, _cid, _container.Path, "eth0", Binaries.AppletDir), conf);

    private string Conf(string extra = "") => NetHarness.Conf("vrf", "1.0.0", "", ",\"vrfname\":\"cbthdvrf\"" + extra +
        ",\"prevResult\":{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"" + _container.Path + "\"}]," +
        "\"ips\":[{\"address\":\"10.199.248.2/24\",\"interface\":0}]}");

    /// <summary>ADD; on a kernel without VRFs, checks the failure changed nothing and skips the rest of the test.</summary>
    private System.Text.Json.JsonElement AddOrSkip(string conf)
    {
        var before = NetnsSnapshot.Describe(_container, ignoreTentative: true);
        var add = Run("ADD", conf);
        if (KernelLinkKinds.MissingSupport(add) == VrfKernel.MissingError)
            Assert.That(NetnsSnapshot.Describe(_container, ignoreTentative: true), Is.EqualTo(before), "the failed ADD left nothing");
        KernelLinkKinds.IgnoreIfMissing(add);
        return CniAssert.Success(add);
    }

    [Test]
    public void WithoutKernelSupportAddFailsNamingItAndChangesNothing()
    {
        Assume.That(VrfKernel.Supported, Is.False, "this kernel has VRF devices");
        var before = NetnsSnapshot.Describe(_container, ignoreTentative: true);
        Assert.That(CniAssert.Error(Run("ADD", Conf()), 999), Is.EqualTo(VrfKernel.MissingError));
        Assert.That(NetnsSnapshot.Describe(_container, ignoreTentative: true), Is.EqualTo(before));
        CniAssert.SilentSuccess(Run("DEL", Conf()));
    }

    [Test]
    public void AddEnslavesKeepingAddressesAndRoutesAndDelRemovesTheVrfWithItsLastPort()
    {
        AddOrSkip(Conf(",\"table\":150"));
        var link = NetHarness.Link(_container, "eth0");
        Assert.That(link.GetProperty("master").GetString(), Is.EqualTo("cbthdvrf"));
        Assert.That(_container.IpIn("addr", "show", "dev", "eth0"), Does.Contain("fd99:0:218::2/64").And.Contain("10.199.248.2/24"));
        Assert.That(_container.IpIn("route", "show", "table", "150"), Does.Contain("10.199.249.0/24 via 10.199.248.1 dev eth0"));
        CniAssert.SilentSuccess(Run("DEL", Conf(",\"table\":150")));
        Assert.That(NetHarness.Links(_container), Is.EquivalentTo(new[] { "eth0", "cbthdv1" }));
        CniAssert.SilentSuccess(Run("DEL", Conf(",\"table\":150")));
    }

    [Test]
    public void AnExistingVrfWithAnotherTableIsRefused()
    {
        AddOrSkip(Conf(",\"table\":150"));
        Assert.That(CniAssert.Error(Run("ADD", Conf(",\"table\":151")), 999),
            Is.EqualTo("cmdAdd failed: VRF cbthdvrf already exist with different routing table 150"));
    }

    [Test]
    public void BadInputsWithGosCodes()
    {
        Assert.That(CniAssert.Error(Run("ADD", NetHarness.Conf("vrf", "1.0.0", "", ",\"vrfname\":\"cbthdvrf\"")), 999),
            Is.EqualTo("missing prevResult from earlier plugin"));
        Assert.That(CniAssert.Error(Run("ADD", NetHarness.Conf("vrf", "1.0.0", "")), 7), Is.EqualTo("configuration is expected to have a valid vrf name"));
        Assert.That(CniAssert.Error(Run("ADD", NetHarness.Conf("vrf", "0.3.0", "", ",\"vrfname\":\"cbthdvrf\"")), 1), Is.EqualTo("incompatible CNI versions"));
    }
}
