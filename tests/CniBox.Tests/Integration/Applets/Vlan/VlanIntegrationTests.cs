using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Vlan;

/// <summary>
/// The vlan applet in a node netns (cbt-mv-h-*) with the veth master cbtmv0. This kernel has no 802.1Q: the tests
/// that need vlan links skip on exactly "kernel has no 802.1Q vlan support (...)"; the checks made before the
/// link is created run everywhere.
/// </summary>
[Category("root")]
public class VlanIntegrationTests
{
    private const string Master = "cbtmv0";

    private NetHarness _h = null!;
    private TestNetns _c = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        _h = new NetHarness("mv-h");
        _c = _h.Container("mv-a");
        _h.Host.IpIn("link", "add", Master, "type", "veth", "peer", "name", "cbtmv1");
        _h.Host.IpIn("link", "set", Master, "up");
    }

    [TearDown]
    public void Destroy() => _h.Dispose();

    private string Conf(string extra) => NetHarness.Conf("vlan", "1.0.0", _h.HostLocal("10.199.128.0/24"), extra);

    private ProcessResult Run(string verb, string conf, TestNetns? container = null) =>
        _h.Run(Binaries.Applet("vlan"), verb, conf, (container ?? _c).Path, "cbt-mv1");

    [Test]
    public void AddCheckDel()
    {
        var conf = Conf($",\"master\":\"{Master}\",\"vlanId\":95,\"mtu\":1400");
        var result = CniAssert.Success(KernelLinkKinds.IgnoreIfMissing(Run("ADD", conf)));
        var link = NetHarness.Link(_c, "eth0");
        Assert.That(link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("id").GetInt32(), Is.EqualTo(95));
        Assert.That(link.GetProperty("mtu").GetInt32(), Is.EqualTo(1400));
        CniAssert.SilentSuccess(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText())));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(NetHarness.Links(_c), Is.Empty);
        Assert.That(_h.AllocatedIps(), Is.Empty);
    }

    [Test]
    public void LinkInContainerTakesTheContainersMaster()
    {
        _c.IpIn("link", "add", "cbtmv2", "type", "veth", "peer", "name", "cbtmv3");
        var conf = Conf(",\"master\":\"cbtmv2\",\"vlanId\":96,\"linkInContainer\":true");
        CniAssert.Success(KernelLinkKinds.IgnoreIfMissing(_h.Run(Binaries.Applet("vlan"), "ADD", conf, _c.Path, "cbt-mv1", ifName: "net1")));
        Assert.That(NetHarness.Link(_c, "net1").GetProperty("link").GetString(), Is.EqualTo("cbtmv2"));
    }

    [Test]
    public void AddOnAKernelWithoutVlanFailsClearlyAndLeavesNothing()
    {
        var result = Run("ADD", Conf($",\"master\":\"{Master}\",\"vlanId\":95"));
        if (result.ExitCode == 0) Assert.Ignore("this kernel has 802.1Q vlans");
        Assert.That(CniAssert.Error(result, 999), Is.EqualTo("kernel has no 802.1Q vlan support (CONFIG_VLAN_8021Q / modprobe 8021q)"));
        Assert.That(NetHarness.Links(_c), Is.Empty);
        Assert.That(_h.AllocatedIps(), Is.Empty);
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
        Assert.That(_h.AllocatedIps(), Is.Empty);
        Assert.That(NetHarness.Links(_c), Is.Empty);
    }

    [Test]
    public void DelSucceedsWithoutTheMasterAndWithoutTheNetns()
    {
        var conf = Conf(",\"master\":\"cbtmvx\",\"vlanId\":95");
        CniAssert.SilentSuccess(Run("DEL", conf));
        CniAssert.SilentSuccess(_h.Run(Binaries.Applet("vlan"), "DEL", conf, "/var/run/netns/cbt-mv-gone", "cbt-mv1"));
    }
}
