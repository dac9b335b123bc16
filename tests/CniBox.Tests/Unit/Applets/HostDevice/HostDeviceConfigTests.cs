using System.Text;
using CniBox.Applets.HostDevice;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.HostDevice;

/// <summary>host-device's keys and refusals, without root (texts Go's; codes the spec's 6 and 7 where Go says 999).</summary>
public class HostDeviceConfigTests
{
    private string _sysBusPci = null!;

    [SetUp]
    public void CreateFakeSysfs() => _sysBusPci = Directory.CreateTempSubdirectory("cbt-hd-pci-").FullName;

    [TearDown]
    public void RemoveFakeSysfs() => Directory.Delete(_sysBusPci, true);

    private HostDeviceConfig Parse(string keys) => HostDeviceConfig.Parse(Encoding.UTF8.GetBytes(Conf(keys)), _sysBusPci);

    private static string Conf(string keys) =>
        ("{'cniVersion':'1.0.0','name':'mynet','type':'host-device'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"');

    /// <summary>A PCI device directory whose driver link points at a driver directory named <paramref name="driver"/>.</summary>
    private void FakePciDevice(string address, string driver)
    {
        var drivers = Directory.CreateDirectory(Path.Combine(_sysBusPci, "drivers", driver)).FullName;
        var device = Directory.CreateDirectory(Path.Combine(_sysBusPci, address)).FullName;
        File.CreateSymbolicLink(Path.Combine(device, "driver"), drivers);
    }

    [Test]
    public void EachSelectorIsRead()
    {
        var c = Parse("'device':'cbthd0','hwaddr':'02:00:00:00:00:01','kernelpath':'/sys/devices/virtual'");
        Assert.That((c.Device, c.HwAddr, c.KernelPath, c.PciBusId, c.DpdkMode, c.IpamType),
            Is.EqualTo(("cbthd0", "02:00:00:00:00:01", "/sys/devices/virtual", "", false, "")));
    }

    [Test]
    public void RuntimeConfigDeviceIdReplacesPciBusId()
    {
        FakePciDevice("0000:00:05.0", "virtio-pci");
        var c = Parse("'pciBusID':'0000:00:04.0','runtimeConfig':{'deviceID':'0000:00:05.0'}");
        Assert.That((c.PciBusId, c.DpdkMode), Is.EqualTo(("0000:00:05.0", false)));
    }

    [TestCase("vfio-pci")]
    [TestCase("uio_pci_generic")]
    [TestCase("igb_uio")]
    public void AUserspaceDriverMeansDpdkMode(string driver)
    {
        FakePciDevice("0000:00:06.0", driver);
        Assert.That(Parse("'pciBusID':'0000:00:06.0'").DpdkMode, Is.True);
    }

    [Test]
    public void APciDeviceWithoutADriverIsRefused()
    {
        var e = Assert.Throws<CniException>(() => Parse("'pciBusID':'0000:00:07.0'"))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.InvalidNetworkConfig,
            $"error with host device: lstat {_sysBusPci}/0000:00:07.0/driver: no such file or directory")));
    }

    [TestCase("", ErrorCode.InvalidNetworkConfig, "specify either \"device\", \"hwaddr\", \"kernelpath\" or \"pciBusID\"")]
    [TestCase("'device':''", ErrorCode.InvalidNetworkConfig, "specify either \"device\", \"hwaddr\", \"kernelpath\" or \"pciBusID\"")]
    [TestCase("'device':5", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal number into Go struct field NetConf.device of type string")]
    [TestCase("'hwaddr':true", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal bool into Go struct field NetConf.hwaddr of type string")]
    [TestCase("'pciBusID':'a\\u0000b'", ErrorCode.InvalidNetworkConfig, "invalid pciBusID \"a\\x00b\": it has a NUL byte")]
    [TestCase("'kernelpath':'/sys/devices/\\u0000'", ErrorCode.InvalidNetworkConfig, "invalid kernelpath \"/sys/devices/\\x00\": it has a NUL byte")]
    public void Refusals(string keys, int code, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((code, message)));
    }
}
