using System.Text.Json;
using CniBox.Applets.HostDevice;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.HostDevice;

/// <summary>
/// host-device as a runtime runs it, in a throwaway node netns (<c>cbt-hd-*</c>): one end of a veth there
/// (<c>cbthd0</c>, up, with node addresses) moves into a container netns as eth0 and back, found by name, MAC or
/// kernel path; kernel state read on both sides. A failed ADD puts the device back as it was.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class HostDeviceIntegrationTests
{
    private const string Device = "cbthd0";
    private const string NodeV4 = "10.199.216.5/24";
    private const string NodeV6 = "fd99:0:216::5/64";
    private const string Ipam = "{\"type\":\"static\",\"addresses\":[{\"address\":\"10.199.215.2/24\",\"gateway\":\"10.199.215.1\"}," +
        "{\"address\":\"fd99:0:215::2/64\"}],\"routes\":[{\"dst\":\"10.199.247.0/24\"}]}";

    private TestNetns _node = null!;
    private TestNetns _container = null!;
    private string _cid = null!;
    private string _mac = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        _node = new TestNetns("hd");
        _container = new TestNetns("hd");
        _cid = "cbt-hd-" + Guid.NewGuid().ToString("N")[..8];
        _node.IpIn("link", "add", Device, "type", "veth", "peer", "name", "cbthd1");
        _node.IpIn("addr", "add", NodeV4, "dev", Device);
        _node.IpIn("addr", "add", NodeV6, "dev", Device, "nodad");
        _node.IpIn("link", "set", Device, "up");
        _node.IpIn("link", "set", "cbthd1", "up");
        _mac = NetHarness.Link(_node, Device).GetProperty("address").GetString()!;
    }

    [TearDown]
    public void Destroy()
    {
        _container.Dispose();
        _node.Dispose();
        HostDeviceRecord.Delete(HostDeviceRecord.PathFor(HostDeviceRecord.DefaultDir, _cid, "eth0"));
    }

    private ProcessResult Run(string verb, string conf, string ifName = "eth0") =>
        PluginProcess.Run("ip", PluginProcess.Env(verb, _cid, _container.Path, ifName, Binaries.AppletDir), conf,
            ["netns", "exec", _node.Name, Binaries.Applet("host-device")]);

    private static string Conf(string selector, string ipam = Ipam) =>
        NetHarness.Conf("host-device", "1.1.0", ipam, "," + selector);

    private static string[] Addresses(TestNetns ns, string dev) =>
        [.. JsonDocument.Parse(ns.IpIn("-j", "addr", "show", "dev", dev)).RootElement[0].GetProperty("addr_info").EnumerateArray()
            .Where(a => a.GetProperty("scope").GetString() == "global")
            .Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}")];

    public static IEnumerable<TestCaseData> Selectors()
    {
        yield return new TestCaseData("device").SetArgDisplayNames("device");
        yield return new TestCaseData("hwaddr").SetArgDisplayNames("hwaddr");
        // Under ip netns exec, /sys shows the node's links: /sys/devices/virtual/net holds cbthd0, cbthd1 and lo.
        yield return new TestCaseData("kernelpath").SetArgDisplayNames("kernelpath");
    }

    private string Selector(string key) => key switch
    {
        "device" => $"\"device\":\"{Device}\"",
        "hwaddr" => $"\"hwaddr\":\"{_mac.ToUpperInvariant()}\"",
        _ => "\"kernelpath\":\"/sys/devices/virtual\"",
    };

    [TestCaseSource(nameof(Selectors))]
    public void MovedInAndBackKeepsItsNameMacAndAddresses(string key)
    {
        var conf = Conf(Selector(key));
        var result = CniAssert.Success(Run("ADD", conf));
        var iface = result.GetProperty("interfaces")[0];
        Assert.That((iface.GetProperty("name").GetString(), iface.GetProperty("mac").GetString(), iface.GetProperty("sandbox").GetString()),
            Is.EqualTo(("eth0", _mac, _container.Path)));
        Assert.That(NetHarness.Links(_node), Does.Not.Contain(Device));
        var inside = NetHarness.Link(_container, "eth0");
        Assert.That((inside.GetProperty("address").GetString(), inside.GetProperty("ifalias").GetString(), inside.GetProperty("operstate").GetString()),
            Is.EqualTo((_mac, Device, "UP")));
        Assert.That(Addresses(_container, "eth0"), Is.EquivalentTo(new[] { "10.199.215.2/24", "fd99:0:215::2/64" }));
        Assert.That(_container.IpIn("route", "show", "10.199.247.0/24"), Does.Contain("via 10.199.215.1 dev eth0"));

        CniAssert.SilentSuccess(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText())));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(NetHarness.Links(_container), Is.Empty);
        var back = NetHarness.Link(_node, Device);
        Assert.That((back.GetProperty("address").GetString(), back.TryGetProperty("ifalias", out _), back.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == "UP")),
            Is.EqualTo((_mac, false, true)));
        Assert.That(Addresses(_node, Device), Is.EquivalentTo(new[] { NodeV4, NodeV6 }));
        Assert.That(File.Exists(HostDeviceRecord.PathFor(HostDeviceRecord.DefaultDir, _cid, "eth0")), Is.False);
        CniAssert.SilentSuccess(Run("DEL", conf));
    }

    [Test]
    public void WithoutIpamTheResultNamesTheInterfaceOnly()
    {
        var result = CniAssert.Success(Run("ADD", Conf($"\"device\":\"{Device}\"", ipam: "")));
        Assert.That(result.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "cniVersion", "interfaces" }));
        Assert.That(Addresses(_container, "eth0"), Is.Empty);
        CniAssert.SilentSuccess(Run("DEL", Conf($"\"device\":\"{Device}\"", ipam: "")));
        Assert.That(Addresses(_node, Device), Is.EquivalentTo(new[] { NodeV4, NodeV6 }));
    }

    [Test]
    public void AFailureAfterTheMovePutsTheDeviceBackAsItWas()
    {
        var before = NetnsSnapshot.Describe(_node, [_mac], ignoreTentative: true);
        var broken = Ipam.Replace("{\"dst\":\"10.199.247.0/24\"}", "{\"dst\":\"10.199.247.0/24\",\"gw\":\"10.199.99.1\"}");
        Assert.That(CniAssert.Error(Run("ADD", Conf($"\"device\":\"{Device}\"", broken)), 999),
            Does.StartWith("failed to add route '10.199.247.0/24 via 10.199.99.1 dev eth0': "));
        Assert.That(NetHarness.Links(_container), Is.Empty);
        Assert.That(NetnsSnapshot.Describe(_node, [_mac], ignoreTentative: true), Is.EqualTo(before));
        Assert.That(File.Exists(HostDeviceRecord.PathFor(HostDeviceRecord.DefaultDir, _cid, "eth0")), Is.False);
    }

    [Test]
    public void ANameTakenInTheContainerFailsTheMoveAndUndoesIt()
    {
        _container.IpIn("link", "add", "eth0", "type", "veth", "peer", "name", "cbthd2");
        var before = NetnsSnapshot.Describe(_node, [_mac], ignoreTentative: true);
        Assert.That(CniAssert.Error(Run("ADD", Conf($"\"device\":\"{Device}\"")), 999),
            Does.StartWith("failed to move link failed to move \"cbthd0\" to container ns as \"eth0\": "));
        Assert.That(NetnsSnapshot.Describe(_node, [_mac], ignoreTentative: true), Is.EqualTo(before));
        Assert.That(NetHarness.Links(_container), Is.EquivalentTo(new[] { "eth0", "cbthd2" }));
    }

    [TestCase("\"device\":\"cbthd-none\"", 999, "failed to find host device: link \"cbthd-none\" not found")]
    [TestCase("\"hwaddr\":\"02:00:00:19:d8:ff\"", 999, "failed to find host device: failed to find physical interface")]
    [TestCase("\"hwaddr\":\"zz\"", 7, "failed to find host device: failed to parse MAC address \"zz\": address zz: invalid MAC address")]
    [TestCase("\"kernelpath\":\"sys/devices/virtual\"", 7, "failed to find host device: kernel device path \"sys/devices/virtual\" must be absolute and begin with /sys/devices/")]
    [TestCase("\"kernelpath\":\"/sys/devices/cbthd-none\"", 999, "failed to find host device: failed to find network devices at \"/sys/devices/cbthd-none/net\"")]
    [TestCase("\"pciBusID\":\"0000:ff:1f.7\"", 7, "error with host device: lstat /sys/bus/pci/devices/0000:ff:1f.7/driver: no such file or directory")]
    public void BadInputsFailWithNothingMoved(string selector, int code, string message)
    {
        var before = NetnsSnapshot.Describe(_node, [_mac], ignoreTentative: true);
        Assert.That(CniAssert.Error(Run("ADD", Conf(selector)), code), Is.EqualTo(message));
        Assert.That(NetnsSnapshot.Describe(_node, [_mac], ignoreTentative: true), Is.EqualTo(before));
        Assert.That(NetHarness.Links(_container), Is.Empty);
    }

    [Test]
    public void DelRefusesALinkHostDeviceDidNotMoveIn()
    {
        _container.IpIn("link", "add", "eth0", "type", "veth", "peer", "name", "cbthd2");
        Assert.That(CniAssert.Error(Run("DEL", Conf($"\"device\":\"{Device}\"", ipam: "")), 999),
            Is.EqualTo("failed to restore \"eth0\" to its original name: it has no alias (the device was not moved in by host-device)"));
        Assert.That(NetHarness.Links(_container), Is.EquivalentTo(new[] { "eth0", "cbthd2" }));
    }
}
