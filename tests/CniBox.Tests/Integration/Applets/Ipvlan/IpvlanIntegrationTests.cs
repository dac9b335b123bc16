using CniBox.Tests.Integration.Applets.Common.OneLink;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Ipvlan;

/// <summary>
/// The ipvlan applet in a node netns (cbt-mv-h-*) with the veth master cbtmv0. This kernel has no ipvlan: the tests
/// that need one links skip on exactly "kernel has no ipvlan support (...)", and one test proves that failure is clean.
/// </summary>
[Category("root")]
public class IpvlanIntegrationTests() : OneLinkMasterFixture("ipvlan", "10.199.127.0/24 fd99:0:97::/64")
{
    [TestCase("l2")]
    [TestCase("l3")]
    [TestCase("l3s")]
    public void AddCheckDelInEachMode(string mode)
    {
        var conf = Conf($",\"master\":\"{Master}\",\"mode\":\"{mode}\"");
        var result = CniAssert.Success(KernelLinkKinds.IgnoreIfMissing(Run("ADD", conf)));
        var link = NetHarness.Link(Container, "eth0");
        Assert.That(link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("mode").GetString(), Is.EqualTo(mode));
        CniAssert.SilentSuccess(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText())));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(NetHarness.Links(Container), Is.Empty);
        Assert.That(Harness.AllocatedIps(), Is.Empty);
    }

    [Test]
    public void ChainedWithoutIpamItTakesThePrevResultsIps()
    {
        var prev = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"cbtmv0\"}],\"ips\":[{\"address\":\"10.199.127.9/24\",\"interface\":0}]}";
        var conf = Conf(",\"prevResult\":" + prev, ipam: false);
        var result = CniAssert.Success(KernelLinkKinds.IgnoreIfMissing(Run("ADD", conf)));
        Assert.That(result.GetProperty("ips")[0].GetProperty("address").GetString(), Is.EqualTo("10.199.127.9/24"));
        Assert.That(result.GetProperty("interfaces")[0].GetProperty("name").GetString(), Is.EqualTo("eth0"));
        Assert.That(NetHarness.Link(Container, "eth0").GetProperty("link_index").GetInt32(),
            Is.EqualTo(NetHarness.Link(Harness.Host, Master).GetProperty("ifindex").GetInt32()));
        CniAssert.SilentSuccess(Run("DEL", conf));
    }

    [Test]
    public void AddOnAKernelWithoutIpvlanFailsClearlyAndLeavesNothing()
    {
        var result = Run("ADD", Conf($",\"master\":\"{Master}\",\"mode\":\"l3\""));
        if (result.ExitCode == 0) Assert.Ignore("this kernel has ipvlan");
        Assert.That(CniAssert.Error(result, 999), Is.EqualTo("kernel has no ipvlan support (CONFIG_IPVLAN / modprobe ipvlan)"));
        Assert.That(NetHarness.Links(Container), Is.Empty);
        Assert.That(Harness.AllocatedIps(), Is.Empty);
        Assert.That(NetHarness.Links(Harness.Host), Is.EquivalentTo(new[] { Master, MasterPeer }));
    }

    [Test]
    public void UnknownModeAndMissingMasterAreRefusedBeforeAnythingIsCreated()
    {
        Assert.That(CniAssert.Error(Run("ADD", Conf($",\"master\":\"{Master}\",\"mode\":\"l4\"")), 999), Is.EqualTo("unknown ipvlan mode: \"l4\""));
        Assert.That(CniAssert.Error(Run("ADD", Conf(",\"master\":\"cbtmvx\"")), 999), Is.EqualTo("failed to lookup master \"cbtmvx\": Link not found"));
        Assert.That(CniAssert.Error(Run("ADD", Conf($",\"master\":\"{Master}\"", ipam: false)), 7),
            Does.StartWith("ipvlan needs an \"ipam\" object"));
        Assert.That(Harness.AllocatedIps(), Is.Empty);
        Assert.That(NetHarness.Links(Container), Is.Empty);
    }
}
