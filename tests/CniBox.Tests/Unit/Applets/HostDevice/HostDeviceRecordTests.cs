using System.Net;
using CniBox.Applets.HostDevice;

namespace CniBox.Tests.Unit.Applets.HostDevice;

/// <summary>The node-side state host-device keeps for DEL: written and read back, and anything else read as none.</summary>
public class HostDeviceRecordTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDir() => _dir = Directory.CreateTempSubdirectory("cbt-hd-record-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, true);

    [Test]
    public void ARecordReadsBackAsWritten()
    {
        var path = HostDeviceRecord.PathFor(_dir, "cid", "eth0");
        new HostDeviceRecord(true, [(IPAddress.Parse("10.199.216.5"), 24, 0u), (IPAddress.Parse("fd99:0:216::5"), 64, 0x202u)]).Write(path);
        Assert.That(File.ReadAllText(path), Is.EqualTo("up\n10.199.216.5/24\nfd99:0:216::5/64 514\n"));
        var read = HostDeviceRecord.Read(path)!;
        Assert.That((read.Up, read.Addresses.Select(a => $"{a.Address}/{a.Prefix} {a.Flags}")),
            Is.EqualTo((true, new[] { "10.199.216.5/24 0", "fd99:0:216::5/64 514" })));
    }

    [Test]
    public void TheFileIsNamedAfterContainerAndInterfaceAndCannotEscape() =>
        Assert.That(HostDeviceRecord.PathFor(_dir, "../x", "eth0"), Is.EqualTo(Path.Combine(_dir, "_.._x_eth0")));

    [TestCase("")]
    [TestCase("sideways\n")]
    [TestCase("down\n10.199.216.5\n")]
    [TestCase("up\nnot-an-address/24\n")]
    [TestCase("up\n10.199.216.5/24 nodad\n")]
    public void AnythingElseIsNoRecord(string content)
    {
        var path = Path.Combine(_dir, "bad");
        File.WriteAllText(path, content);
        Assert.That(HostDeviceRecord.Read(path), Is.Null);
    }

    [Test]
    public void DeletingTheLastRecordRemovesTheDirectoryAndAMissingOneIsFine()
    {
        var dir = Path.Combine(_dir, "host-device");
        var path = HostDeviceRecord.PathFor(dir, "cid", "eth0");
        new HostDeviceRecord(false, []).Write(path);
        HostDeviceRecord.Delete(path);
        Assert.That(Directory.Exists(dir), Is.False);
        Assert.DoesNotThrow(() => HostDeviceRecord.Delete(path));
    }

    [Test]
    public void AMissingFileIsNoRecord() => Assert.That(HostDeviceRecord.Read(Path.Combine(_dir, "none")), Is.Null);
}
