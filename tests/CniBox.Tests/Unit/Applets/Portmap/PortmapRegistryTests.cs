using CniBox.Applets.Portmap;

namespace CniBox.Tests.Unit.Applets.Portmap;

public sealed class PortmapRegistryTests
{
    private string _root = null!;

    [SetUp]
    public void Create() => _root = Path.Combine(Path.GetTempPath(), "cbt-pmreg-" + Guid.NewGuid().ToString("N")[..8]);

    [TearDown]
    public void Destroy()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }

    [Test]
    public void OtherNetworksListsTheContainersOfEveryOtherNetwork()
    {
        var registry = new PortmapRegistry(_root);
        registry.Record("net-a", "c1");
        registry.Record("net-b", "c2");
        registry.Record("net-b", "c3");
        Assert.That(registry.OtherNetworks("net-a"), Is.EquivalentTo(new[] { "c2", "c3" }));
        Assert.That(registry.OtherNetworks("net-b"), Is.EquivalentTo(new[] { "c1" }));
    }

    [Test]
    public void ForgettingTheLastContainerRemovesItsNetworkDirectoryAndTheRoot()
    {
        var registry = new PortmapRegistry(_root);
        registry.Record("net-a", "c1");
        registry.Record("net-b", "c2");
        registry.Forget("c1");
        Assert.That(Directory.Exists(Path.Combine(_root, "net-a")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(_root, "net-b")), Is.True);
        registry.Forget("c2");
        Assert.That(Directory.Exists(_root), Is.False, "nothing left under /var/lib/cni/portmap once every container is gone");
        registry.Forget("c2");
    }

    [Test]
    public void GcForgetsTheNetworksContainersThatAreNotValidAndKeepsOtherNetworks()
    {
        var registry = new PortmapRegistry(_root);
        registry.Record("net-a", "live");
        registry.Record("net-a", "gone");
        registry.Record("net-b", "other");
        registry.ForgetAllBut("net-a", new HashSet<string> { "live" });
        Assert.That(File.Exists(Path.Combine(_root, "net-a", "live")), Is.True);
        Assert.That(File.Exists(Path.Combine(_root, "net-a", "gone")), Is.False, "a lost DEL's record outlived the GC");
        Assert.That(registry.OtherNetworks("net-a"), Is.EquivalentTo(new[] { "other" }));
        registry.ForgetAllBut("net-a", new HashSet<string>());
        Assert.That(Directory.Exists(Path.Combine(_root, "net-a")), Is.False);
    }

    [Test]
    public void NamesCannotEscapeTheRoot()
    {
        var registry = new PortmapRegistry(_root);
        registry.Record("../up", "../../c");
        Assert.That(Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories).All(p => p.StartsWith(_root + "/")));
        Assert.That(registry.OtherNetworks("x"), Has.Count.EqualTo(1));
    }

    [Test]
    public void TheRuleLinesOfARepeatedAddAreKeptAndReadFromAnyNetwork()
    {
        var registry = new PortmapRegistry(_root);
        registry.Record("net-a", "c1", ["ip hostports 4"]);
        registry.Record("net-a", "c1", ["ip masquerading 9"]);
        registry.Record("net-b", "c2");
        Assert.That(registry.Rules("c1"), Is.EqualTo(new[] { "ip hostports 4", "ip masquerading 9" }));
        Assert.That(registry.Rules("c2"), Is.Empty);
        Assert.That(registry.Rules("c3"), Is.Empty);
        registry.Forget("c1");
        Assert.That(registry.Rules("c1"), Is.Empty);
    }
}
