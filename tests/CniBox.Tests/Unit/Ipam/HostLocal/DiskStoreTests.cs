using CniBox.Spec.Addressing;
using CniBox.Spec.Config;
using System.Diagnostics;
using System.Text;
using CniBox.Ipam.HostLocal;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Ipam.HostLocal;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DiskStoreTests
{
    private string _dataDir = "";

    [SetUp]
    public void SetUp() => _dataDir = Directory.CreateTempSubdirectory("cbt-ipam-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dataDir, recursive: true);

    private string NetDir => Path.Join(_dataDir, "net1");
    private string Read(string name) => File.ReadAllText(Path.Join(NetDir, name));
    private void Write(string name, string content) => File.WriteAllText(Path.Join(NetDir, name), content);
    private string[] Names() => Directory.GetFiles(NetDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private static HostLocalConfig Config(string dataDir, string ipam = "'subnet':'10.1.0.0/24'") =>
        HostLocalConfig.Parse(Encoding.UTF8.GetBytes(("{'cniVersion':'1.1.0','name':'net1','ipam':{'dataDir':'" + dataDir + "'," + ipam + "}}").Replace('\'', '"')), null);

    [Test]
    public void AddWritesGosBytesAndModes()
    {
        using var store = DiskStore.Open(_dataDir, "net1");
        var result = new HostLocalIpam(Config(_dataDir), store).Add("cid1", "eth0");
        Assert.That(result.Ips.Select(i => (i.Address, i.Gateway)), Is.EqualTo(new[] { ("10.1.0.2/24", (string?)"10.1.0.1") }));
        Assert.That(File.ReadAllBytes(Path.Join(NetDir, "10.1.0.2")), Is.EqualTo("cid1\r\neth0"u8.ToArray()));
        Assert.That(Read("last_reserved_ip.0"), Is.EqualTo("10.1.0.2"));
        Assert.That(Names(), Is.EqualTo(new[] { "10.1.0.2", "last_reserved_ip.0", "lock" }));
        Assert.That(File.GetUnixFileMode(NetDir), Is.EqualTo((UnixFileMode)0b111_101_101));
        Assert.That(File.GetUnixFileMode(Path.Join(NetDir, "10.1.0.2")), Is.EqualTo((UnixFileMode)0b110_000_000));
        Assert.That(File.GetUnixFileMode(Path.Join(NetDir, "last_reserved_ip.0")), Is.EqualTo((UnixFileMode)0b110_000_000));
        Assert.That(File.GetUnixFileMode(Path.Join(NetDir, "lock")), Is.EqualTo((UnixFileMode)0b111_101_000));
        Assert.That(new FileInfo(Path.Join(NetDir, "lock")).Length, Is.Zero);
    }

    [Test]
    public void SpecAssertions56To58()
    {
        using var store = DiskStore.Open(_dataDir, "net1");
        var ipam = new HostLocalIpam(Config(_dataDir), store);
        ipam.Add("a", "eth0");
        Assert.That(Assert.Throws<CniException>(() => ipam.Add("a", "eth0"))!.Msg,
            Is.EqualTo("failed to allocate for range 0: 10.1.0.2 has been allocated to a, duplicate allocation is not allowed"));
        Assert.That(ipam.Add("a", "eth1").Ips[0].Address, Is.EqualTo("10.1.0.3/24"));
        ipam.Del("a", "eth0");
        Assert.That(Names(), Is.EqualTo(new[] { "10.1.0.3", "last_reserved_ip.0", "lock" }));
        Assert.That(ipam.Add("b", "eth0").Ips[0].Address, Is.EqualTo("10.1.0.4/24"));
        ipam.Del("unknown", "eth0");
        ipam.Del("a", "eth0");
    }

    [Test]
    public void ReleaseTakesCurrentFilesElseLegacyOnes()
    {
        using var store = DiskStore.Open(_dataDir, "net1");
        Write("10.1.0.7", "a");
        Write("10.1.0.8", "a\r\neth0");
        Write("10.1.0.9", "a\r\neth1\n");
        Write("2001:db8::9", "b");
        using (store.Lock())
        {
            Assert.That(store.GetByOwner("a", "eth1").Select(i => i.ToString()).Order(), Is.EqualTo(new[] { "10.1.0.7", "10.1.0.9" }));
            Assert.That(store.HasOwner("b", "eth5"), Is.True);
            Assert.That(store.HasOwner("c", "eth0"), Is.False);
            Assert.That(store.Release("a", "eth1"), Is.EqualTo(1));
            Assert.That(store.Release("a", "eth1"), Is.EqualTo(1), "legacy once nothing current is left");
            Assert.That(store.Release("b", "eth0"), Is.EqualTo(1));
        }
        Assert.That(Names(), Is.EqualTo(new[] { "10.1.0.8", "lock" }));
    }

    [Test]
    public void NonIpNamesAreNeverReadOrReleased()
    {
        using var store = DiskStore.Open(_dataDir, "net1");
        Write("last_reserved_ip.0", "10.1.0.5");
        Write("notes", "10.1.0.5");
        Write("10.1.0.6", "10.1.0.5");
        using (store.Lock())
        {
            Assert.That(store.Release("10.1.0.5", "eth0"), Is.EqualTo(1));
            Assert.That(store.ReleaseAllExcept([]), Is.Zero);
        }
        Assert.That(Names(), Is.EqualTo(new[] { "last_reserved_ip.0", "lock", "notes" }));
    }

    [Test]
    public void GcKeepsValidAttachmentsAndLegacyIds()
    {
        using var store = DiskStore.Open(_dataDir, "net1");
        Write("10.1.0.2", "a\r\neth0");
        Write("10.1.0.3", "a\r\neth1");
        Write("10.1.0.4", "b");
        Write("10.1.0.5", "c");
        Write("10.1.0.6", "");
        Write("last_reserved_ip.0", "10.1.0.6");
        var ipam = new HostLocalIpam(Config(_dataDir), store);
        Assert.That(ipam.Gc([new Attachment("a", "eth0"), new Attachment("b", "eth9")]), Is.EqualTo(3));
        Assert.That(Names(), Is.EqualTo(new[] { "10.1.0.2", "10.1.0.4", "last_reserved_ip.0", "lock" }));
        Assert.That(ipam.Gc([]), Is.EqualTo(2));
        Assert.That(Names(), Is.EqualTo(new[] { "last_reserved_ip.0", "lock" }));
    }

    [Test]
    public void StaleTempFilesAreCleanedUnderTheLockAndNeverClaimAnIp()
    {
        using var store = DiskStore.Open(_dataDir, "net1");
        Write(".tmp-dead-1", "a\r\neth0");
        using (store.Lock())
        {
            Assert.That(store.HasOwner("a", "eth0"), Is.False);
            Assert.That(store.Allocated(), Is.Empty);
        }
        Assert.That(Names(), Is.EqualTo(new[] { "lock" }));
    }

    [Test]
    public void TakenCandidatesReuseOneTempFileAndLeaveNoneBehind()
    {
        using var store = DiskStore.Open(_dataDir, "net1");
        foreach (var ip in new[] { "10.1.0.2", "10.1.0.3", "10.1.0.4" }) Write(ip, "x\r\neth0");
        var result = new HostLocalIpam(Config(_dataDir, "'ranges':[[{'subnet':'10.1.0.0/24'}],[{'subnet':'2001:db8::/64'}]]"), store).Add("a", "eth0");
        Assert.That(result.Ips.Select(i => i.Address), Is.EqualTo(new[] { "10.1.0.5/24", "2001:db8::2/64" }));
        Assert.That(Names().Where(n => n.StartsWith('.')), Is.Empty);
        Assert.That(Read("last_reserved_ip.1"), Is.EqualTo("2001:db8::2"));
        Assert.That(new FileInfo(Path.Join(NetDir, "2001:db8::2")).Length, Is.EqualTo(7));
    }

    [Test]
    public void LastReservedIpIsReadExactlyAsGo()
    {
        using var store = DiskStore.Open(_dataDir, "net1");
        using var _ = store.Lock();
        Assert.That(store.LastReservedIp(0), Is.Null);
        Write("last_reserved_ip.0", "10.1.0.9");
        Write("last_reserved_ip.1", "10.1.0.9\n");
        Assert.That(store.LastReservedIp(0)?.ToString(), Is.EqualTo("10.1.0.9"));
        Assert.That(store.LastReservedIp(1), Is.Null);
    }

    [Test]
    public void FailedAddReleasesWhatItReserved()
    {
        using var store = DiskStore.Open(_dataDir, "net1");
        Write("2001:db8::5", "x\r\neth0");
        var config = Config(_dataDir, "'ranges':[[{'subnet':'10.1.0.0/24'}],[{'subnet':'2001:db8::/64'}]]");
        var ipam = new HostLocalIpam(new HostLocalConfig
        {
            Name = config.Name, CniVersion = config.CniVersion, Ranges = config.Ranges, Routes = config.Routes,
            DataDir = config.DataDir, RequestedIps = [IpAddr.Parse("2001:db8::5")],
        }, store);
        Assert.That(Assert.Throws<CniException>(() => ipam.Add("a", "eth0"))!.Msg,
            Is.EqualTo("failed to allocate for range 1: requested IP address 2001:db8::5 is not available in range set 2001:db8::1-2001:db8::ffff:ffff:ffff:ffff"));
        Assert.That(Names(), Is.EqualTo(new[] { "2001:db8::5", "last_reserved_ip.0", "lock" }));
    }

    [Test]
    public void CheckAndStatus()
    {
        using var store = DiskStore.Open(_dataDir, "net1");
        var ipam = new HostLocalIpam(Config(_dataDir, "'subnet':'10.1.0.0/30'"), store);
        Assert.That(Assert.Throws<CniException>(() => ipam.Check("a", "eth0"))!.Msg, Is.EqualTo("host-local: Failed to find address added by container a"));
        ipam.Status();
        ipam.Add("a", "eth0");
        ipam.Check("a", "eth0");
        var e = Assert.Throws<CniException>(ipam.Status)!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.NotAvailable, "no IP addresses available in range set: 10.1.0.1-10.1.0.2")));
    }

    [TestCase("..")]
    [TestCase("a/b")]
    [TestCase("")]
    public void NamesThatEscapeAreRejectedBeforeTouchingDisk(string name)
    {
        var e = Assert.Throws<CniException>(() => DiskStore.Open(Path.Join(_dataDir, "sub"), name))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCode.InvalidNetworkConfig));
        Assert.That(Directory.Exists(Path.Join(_dataDir, "sub")), Is.False);
    }

    [Test]
    public void ReleaseAmongFiveThousandAllocations()
    {
        using var store = DiskStore.Open(_dataDir, "net1");
        var net = IpNet.Parse("10.8.0.0/16");
        for (var i = 0; i < 5000; i++) Write(net.Network.Add((UInt128)(i + 2)).ToString(), $"container-{i:d5}\r\neth0");
        var ipam = new HostLocalIpam(Config(_dataDir, "'ranges':[[{'subnet':'10.8.0.0/16'}],[{'subnet':'2001:db8::/64'}]]"), store);
        var sw = Stopwatch.StartNew();
        ipam.Del("container-02500", "eth0");
        var del = sw.Elapsed;
        Assert.That(File.Exists(Path.Join(NetDir, "10.8.9.198")), Is.False);
        sw.Restart();
        ipam.Del("container-04000", "eth0");
        var del2 = sw.Elapsed;
        sw.Restart();
        var add = ipam.Add("new", "eth0");
        TestContext.Out.WriteLine($"DEL among 5000: {del.TotalMilliseconds:F1} ms (JIT), {del2.TotalMilliseconds:F1} ms; ADD: {sw.Elapsed.TotalMilliseconds:F1} ms");
        // No last_reserved_ip yet, so the walk starts at the range start and finds the first hole.
        Assert.That(add.Ips.Select(i => i.Address), Is.EqualTo(new[] { "10.8.9.198/16", "2001:db8::2/64" }));
        Assert.That(Names(), Has.Length.EqualTo(5000 - 2 + 2 + 3));
    }
}
