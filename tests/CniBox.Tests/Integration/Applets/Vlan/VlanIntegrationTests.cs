using CniBox.Tests.Integration.Applets.Common.OneLink;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Vlan;

/// <summary>
/// The vlan applet in a node netns (cbt-mv-h-*) with the veth master cbtmv0. This kernel has no 802.1Q: the tests
/// that need vlan links skip on exactly "kernel has no 802.1Q vlan support (...)"; the checks made before the
/// link is created run everywhere.
/// </summary>
[Category("root")]
public class VlanIntegrationTests() : OneLinkMasterFixture("vlan", "10.199.128.0/24")
{
    [Test]
    public void AddCheckDel()
    {
        var conf = Conf($",\"master\":\"{Master}\",\"vlanId\":95,\"mtu\":1400");
        var result = CniAssert.Success(KernelLinkKinds.IgnoreIfMissing(Run("ADD", conf)));
        var link = NetHarness.Link(Container, "eth0");
        Assert.That(link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("id").GetInt32(), Is.EqualTo(95));
        Assert.That(link.GetProperty("mtu").GetInt32(), Is.EqualTo(1400));
        CniAssert.SilentSuccess(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText())));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(NetHarness.Links(Container), Is.Empty);
        Assert.That(Harness.AllocatedIps(), Is.Empty);
    }

    [Test]
    public void LinkInContainerTakesTheContainersMaster()
    {
        Container.IpIn("link", "add", "cbtmv2", "type", "veth", "peer", "name", "cbtmv3");
        var conf = Conf(",\"master\":\"cbtmv2\",\"vlanId\":96,\"linkInContainer\":true");
        CniAssert.Success(KernelLinkKinds.IgnoreIfMissing(Run("ADD", conf, ifName: "net1")));
        Assert.That(NetHarness.Link(Container, "net1").GetProperty("link").GetString(), Is.EqualTo("cbtmv2"));
    }

    [Test]
    public void AddOnAKernelWithoutVlanFailsClearlyAndLeavesNothing()
    {
        var result = Run("ADD", Conf($",\"master\":\"{Master}\",\"vlanId\":95"));
        if (result.ExitCode == 0) Assert.Ignore("this kernel has 802.1Q vlans");
        Assert.That(CniAssert.Error(result, 999), Is.EqualTo("kernel has no 802.1Q vlan support (CONFIG_VLAN_8021Q / modprobe 8021q)"));
        Assert.That(NetHarness.Links(Container), Is.Empty);
        Assert.That(Harness.AllocatedIps(), Is.Empty);
    }

    [Test]
    public void MtuOverTheMastersAndAMissingMasterAreRefusedWithGosMessages()
    {
        Assert.That(CniAssert.Error(Run("ADD", Conf($",\"master\":\"{Master}\",\"vlanId\":95,\"mtu\":9000")), 999),
            Is.EqualTo("invalid MTU 9000, must be [0, master MTU(1500)]"));
        Assert.That(CniAssert.Error(Run("ADD", Conf(",\"master\":\"cbtmvx\",\"vlanId\":95")), 999),
            Is.EqualTo("failed to lookup master \"cbtmvx\": Link not found"));
        Assert.That(CniAssert.Error(Run("ADD", Conf(",\"vlanId\":95")), 999),
            Is.EqualTo("\"master\" field is required. It specifies the host interface name to create the VLAN for."));
        Assert.That(Harness.AllocatedIps(), Is.Empty);
        Assert.That(NetHarness.Links(Container), Is.Empty);
    }

    [Test]
    public void DelSucceedsWithoutTheMasterAndWithoutTheNetns()
    {
        var conf = Conf(",\"master\":\"cbtmvx\",\"vlanId\":95");
        CniAssert.SilentSuccess(Run("DEL", conf));
        CniAssert.SilentSuccess(Harness.Run(Plugin, "DEL", conf, "/var/run/netns/cbt-mv-gone", "cbt-mv1"));
    }
}
