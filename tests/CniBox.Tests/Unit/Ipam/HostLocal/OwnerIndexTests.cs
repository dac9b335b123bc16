using CniBox.Spec.Addressing;
using CniBox.Spec.Config;
using System.Text;
using CniBox.Ipam.HostLocal;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit.Ipam.HostLocal;

/// <summary>
/// The owner index of large networks is a cache verified per file (name + kernel file handle): every answer must
/// be what reading the files would give, whatever changed the directory behind its back.
/// </summary>
public class OwnerIndexTests
{
    private HostLocalStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _store = new HostLocalStore("idx");
        Directory.CreateDirectory(_store.NetDir);
        for (var i = 0; i < 400; i++) Write(Ip(i), $"c{i}\r\neth0");
    }

    [TearDown]
    public void TearDown() => _store.Dispose();

    private static string Ip(int i) => $"10.9.{i / 250}.{i % 250 + 2}";
    private void Write(string name, string content) => File.WriteAllText(Path.Join(_store.NetDir, name), content);
    private string IndexPath => OwnerIndex.PathFor(_store.NetDir);

    private int Release(string cid, string ifName = "eth0")
    {
        using var store = DiskStore.Open(_store.DataDir, HostLocalStore.Network);
        using (store.Lock()) return store.Release(cid, ifName);
    }

    [Test]
    public void ALargeScanWritesTheIndexBesideTheNetworkDirectory()
    {
        Assert.That(Release("nobody"), Is.Zero);
        Assert.That(File.Exists(IndexPath), Is.True);
        Assert.That(Path.GetDirectoryName(IndexPath), Is.EqualTo(_store.DataDir), "the network directory stays Go's");
        Assert.That(_store.Snapshot().Keys.Where(k => !System.Net.IPAddress.TryParse(k, out _)), Is.EqualTo(new[] { "lock" }));
        Assert.That(Release("c7"), Is.EqualTo(1));
        Assert.That(_store.Allocations().ContainsKey(Ip(7)), Is.False);
    }

    [Test]
    public void AFileRecreatedUnderTheSameNameIsReadAgain()
    {
        Release("nobody");
        // Another writer (the Go plugin, say) frees c3's IP and hands it to "thief"; ext4 readily reuses the inode.
        File.Delete(Path.Join(_store.NetDir, Ip(3)));
        Write(Ip(3), "thief\r\neth0");
        Assert.That(Release("c3"), Is.Zero, "the index's stale owner must not release the new holder");
        Assert.That(Release("thief"), Is.EqualTo(1));
        Assert.That(_store.Allocations().ContainsKey(Ip(3)), Is.False);
    }

    [Test]
    public void FilesAddedBehindTheIndexAreFound()
    {
        Release("nobody");
        for (var i = 400; i < 500; i++) Write(Ip(i), $"late{i}\r\neth0");
        Assert.That(Release("late450"), Is.EqualTo(1));
        using var store = DiskStore.Open(_store.DataDir, HostLocalStore.Network);
        using (store.Lock())
            Assert.That(store.GetByOwner("late451", "eth0"), Is.EqualTo(new[] { IpAddr.Parse(Ip(451)) }));
    }

    [TestCase("")]
    [TestCase("cnibox-owners v1\n\u0005")]
    [TestCase("garbage")]
    public void ATornOrForeignIndexIsIgnored(string content)
    {
        File.WriteAllText(IndexPath, content);
        Assert.That(Release("c9"), Is.EqualTo(1));
        Assert.That(Release("c10"), Is.EqualTo(1));
    }

    [Test]
    public void GcAgreesWithAFullRead()
    {
        Release("nobody");
        File.Delete(Path.Join(_store.NetDir, Ip(5)));
        Write(Ip(5), "c6\r\neth0");
        using var store = DiskStore.Open(_store.DataDir, HostLocalStore.Network);
        int released;
        using (store.Lock()) released = store.ReleaseAllExcept([new Attachment("c6", "eth0")]);
        Assert.That(released, Is.EqualTo(398));
        Assert.That(_store.Allocations().OrderBy(a => a.Key), Is.EqualTo(new Dictionary<string, string>
        {
            [Ip(5)] = "c6\r\neth0",
            [Ip(6)] = "c6\r\neth0",
        }.OrderBy(a => a.Key)));
    }
}
