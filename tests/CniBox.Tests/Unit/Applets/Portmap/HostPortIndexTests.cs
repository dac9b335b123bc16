using CniBox.Applets.Portmap;
using CniBox.Netlink.Netfilter;

namespace CniBox.Tests.Unit.Applets.Portmap;

public sealed class HostPortIndexTests
{
    private string _root = null!;

    [SetUp]
    public void Create() => _root = Path.Combine(Path.GetTempPath(), "cbt-pmidx-" + Guid.NewGuid().ToString("N")[..8]);

    [TearDown]
    public void Destroy()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }

    private static HostPortEntry Tcp(string id, ushort port, ulong handle, NftFamily family = NftFamily.Ip) =>
        new(family, 6, port, id, "hostports", handle);

    [Test]
    public void FindReturnsEveryContainersRulesOfThatPortOnly()
    {
        var index = new HostPortIndex(_root);
        index.Add([Tcp("c1", 8080, 5), Tcp("c2", 8080, 9), Tcp("c3", 8081, 12), Tcp("c4", 8080, 14, NftFamily.Ip6)]);
        index.Add([new HostPortEntry(NftFamily.Ip, 17, 8080, "c1", "hostports", 6)]);
        Assert.That(index.Find(NftFamily.Ip, 6, 8080).OrderBy(e => e.Handle), Is.EqualTo(new[] { Tcp("c1", 8080, 5), Tcp("c2", 8080, 9) }));
        Assert.That(index.Find(NftFamily.Ip6, 6, 8080), Is.EqualTo(new[] { Tcp("c4", 8080, 14, NftFamily.Ip6) }));
        Assert.That(index.Find(NftFamily.Ip, 17, 8080).Single().Handle, Is.EqualTo(6));
        Assert.That(index.Find(NftFamily.Ip, 6, 9999), Is.Empty);
    }

    [Test]
    public void ARepeatedAddKeepsTheEarlierRulesOfTheContainer()
    {
        var index = new HostPortIndex(_root);
        index.Add([Tcp("c1", 8080, 5)]);
        index.Add([Tcp("c1", 8080, 21)]);
        Assert.That(index.Find(NftFamily.Ip, 6, 8080).Select(e => e.Handle), Is.EquivalentTo(new ulong[] { 5, 21 }));
    }

    [Test]
    public void RemoveForgetsOnlyThatContainerAndItsEmptyPortDirectories()
    {
        var index = new HostPortIndex(_root);
        index.Add([Tcp("c1", 8080, 5), Tcp("c2", 8080, 9), Tcp("c1", 8081, 7)]);
        index.Remove([Tcp("c1", 8080, 5), Tcp("c1", 8081, 7), Tcp("c1", 8080, 5, NftFamily.Ip6)]);
        Assert.That(index.Find(NftFamily.Ip, 6, 8080), Is.EqualTo(new[] { Tcp("c2", 8080, 9) }));
        Assert.That(Directory.Exists(Path.Combine(_root, ".hostports", "ip-6-8081")), Is.False);
        index.Remove([Tcp("c1", 8080, 5)]);
    }

    /// <summary>A line cut short by a killed ADD, or garbage, is skipped: the rest of the file still counts.</summary>
    [Test]
    public void ABrokenLineIsSkipped()
    {
        var index = new HostPortIndex(_root);
        index.Add([Tcp("c1", 8080, 5)]);
        File.AppendAllText(Path.Combine(_root, ".hostports", "ip-6-8080", "c1"), "hostports 1x\nhostpo");
        Assert.That(index.Find(NftFamily.Ip, 6, 8080), Is.EqualTo(new[] { Tcp("c1", 8080, 5) }));
    }

    [Test]
    public void TheMarkerSaysWhetherTheFamilyWasIndexedAndClearDropsIt()
    {
        var index = new HostPortIndex(_root);
        Assert.That(index.IsComplete(NftFamily.Ip), Is.False, "nothing indexed yet: the reader lists the chains");
        index.MarkComplete(NftFamily.Ip);
        Assert.That(index.IsComplete(NftFamily.Ip), Is.True);
        Assert.That(index.IsComplete(NftFamily.Ip6), Is.False);
        index.Add([Tcp("c1", 8080, 5)]);
        index.Clear();
        Assert.That(index.IsComplete(NftFamily.Ip), Is.False);
        Assert.That(index.Find(NftFamily.Ip, 6, 8080), Is.Empty);
        Assert.That(Directory.Exists(Path.Combine(_root, ".hostports")), Is.False);
        index.Clear();
    }

    [Test]
    public void GcKeepsOnlyTheValidContainers()
    {
        var index = new HostPortIndex(_root);
        index.Add([Tcp("live", 8080, 5), Tcp("gone", 8080, 9), Tcp("gone", 8081, 11)]);
        index.RemoveAllBut(new HashSet<string> { "live" });
        Assert.That(index.Find(NftFamily.Ip, 6, 8080), Is.EqualTo(new[] { Tcp("live", 8080, 5) }));
        Assert.That(index.Find(NftFamily.Ip, 6, 8081), Is.Empty);
    }

    /// <summary>A registry the previous version wrote (records only) has no index: nothing in it is trusted, and the
    /// registry reads its records as before.</summary>
    [Test]
    public void ARegistryWithoutIndexIsReadAsBeforeAndItsIndexIsIncomplete()
    {
        Directory.CreateDirectory(Path.Combine(_root, "net-a"));
        File.WriteAllText(Path.Combine(_root, "net-a", "c1"), "ip hostports 4\n");
        var registry = new PortmapRegistry(_root);
        Assert.That(registry.Index.IsComplete(NftFamily.Ip), Is.False);
        Assert.That(registry.Index.Find(NftFamily.Ip, 6, 8080), Is.Empty);
        Assert.That(registry.Rules("c1"), Is.EqualTo(new[] { "ip hostports 4" }));
    }

    [Test]
    public void TheRegistryNeverTakesTheIndexForANetwork()
    {
        var registry = new PortmapRegistry(_root);
        registry.Index.Add([Tcp("ip-6-8080", 8080, 5)]);
        registry.Index.MarkComplete(NftFamily.Ip);
        registry.Record("net-a", "ip-6-8080", ["ip hostports 5"]);
        Assert.That(registry.Rules("ip-6-8080"), Is.EqualTo(new[] { "ip hostports 5" }));
        Assert.That(registry.OtherNetworks("net-b"), Is.EquivalentTo(new[] { "ip-6-8080" }));
        registry.Forget("ip-6-8080");
        Assert.That(Directory.Exists(_root), Is.False, "the last container's DEL takes the index and the root with it");
    }

    [Test]
    public void GcOfTheLastNetworkTakesTheIndexToo()
    {
        var registry = new PortmapRegistry(_root);
        registry.Record("net-a", "c1");
        registry.Index.MarkComplete(NftFamily.Ip);
        registry.ForgetAllBut("net-a", new HashSet<string>());
        Assert.That(Directory.Exists(_root), Is.False);
    }
}
