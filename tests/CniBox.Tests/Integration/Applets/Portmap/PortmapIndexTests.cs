using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Portmap;

/// <summary>
/// The host-port index behind ADD's duplicate-port warning (/var/lib/cni/portmap/.hostports): filled by ADD, emptied
/// by DEL, rebuilt from one listing when it is missing (a registry of the previous version), and never trusted
/// beyond the live rule an entry names (a killed call's leftovers neither warn nor block).
/// </summary>
[Category("root")]
public class PortmapIndexTests
{
    private const string Index = "/var/lib/cni/portmap/.hostports";
    private PortmapNode _n = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        _n = new PortmapNode();
    }

    [TearDown]
    public void Destroy()
    {
        _n.Dispose();
        PortmapNode.ForgetIndexEntries(["cbt-pm-ghost"]);
    }

    private static string Port(int port, string protocol = "tcp") =>
        $"[{{\"hostPort\":{port},\"containerPort\":8080,\"protocol\":\"{protocol}\"}}]";

    private static string Entry(string key, string id) => Path.Combine(Index, key, id);

    [Test]
    public void AddIndexesEachDnatRuleAndDelRemovesThem()
    {
        _n.Container("cbt-pm-x1");
        var conf = _n.PortmapConf("cbt-pm-x1", "[{\"hostPort\":18093,\"containerPort\":80,\"protocol\":\"tcp\"},{\"hostPort\":18093,\"containerPort\":80,\"protocol\":\"udp\"}]");
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-x1", conf));
        foreach (var key in new[] { "ip-6-18093", "ip-17-18093", "ip6-6-18093", "ip6-17-18093" })
            Assert.That(File.ReadAllText(Entry(key, "cbt-pm-x1")), Does.Match(@"^hostports \d+\n$"), key);
        CniAssert.SilentSuccess(_n.Portmap("DEL", "cbt-pm-x1", conf));
        Assert.That(Directory.Exists(Path.Combine(Index, "ip-6-18093")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(Index, "ip6-17-18093")), Is.False);
    }

    /// <summary>The previous version left records but no index: the next ADD lists the chains once, still warns, and
    /// fills the index, which the ADD after it reads instead.</summary>
    [Test]
    public void WithoutAnIndexTheWarningStillComesAndTheIndexIsRebuilt()
    {
        _n.Container("cbt-pm-o1");
        _n.Container("cbt-pm-o2");
        _n.Container("cbt-pm-o3");
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-o1", _n.PortmapConf("cbt-pm-o1", Port(18094))));
        File.Delete(Path.Combine(Index, "indexed-ip"));
        File.Delete(Entry("ip-6-18094", "cbt-pm-o1"));
        var second = _n.Portmap("ADD", "cbt-pm-o2", _n.PortmapConf("cbt-pm-o2", Port(18094)));
        CniAssert.Success(second);
        Assert.That(second.Stderr, Does.Contain("tcp/18094 is already published by container cbt-pm-o1"));
        Assert.That(File.Exists(Path.Combine(Index, "indexed-ip")), Is.True);
        Assert.That(File.Exists(Entry("ip-6-18094", "cbt-pm-o1")), Is.True, "the listing filled the index");
        var third = _n.Portmap("ADD", "cbt-pm-o3", _n.PortmapConf("cbt-pm-o3", Port(18094)));
        CniAssert.Success(third);
        Assert.That(third.Stderr, Does.Contain("by container cbt-pm-o1").And.Contain("by container cbt-pm-o2"));
    }

    /// <summary>
    /// Entries a killed call can leave: one naming a rule that is gone, one naming another port's live rule. Neither
    /// makes ADD warn or fail, and the ports stay usable.
    /// </summary>
    [Test]
    public void StaleEntriesNeitherWarnNorBlock()
    {
        _n.Container("cbt-pm-k1");
        _n.Container("cbt-pm-k2");
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-k1", _n.PortmapConf("cbt-pm-k1", Port(18096))));
        var k1Handle = File.ReadAllText(Entry("ip-6-18096", "cbt-pm-k1")).Split(' ')[1].Trim();
        Directory.CreateDirectory(Path.Combine(Index, "ip-6-18095"));
        File.WriteAllText(Entry("ip-6-18095", "cbt-pm-ghost"), $"hostports 999999\nhostports {k1Handle}\n");
        var add = _n.Portmap("ADD", "cbt-pm-k2", _n.PortmapConf("cbt-pm-k2", Port(18095)));
        CniAssert.Success(add);
        Assert.That(add.Stderr, Does.Not.Contain("already published"));
        CniAssert.SilentSuccess(_n.Portmap("DEL", "cbt-pm-k2", _n.PortmapConf("cbt-pm-k2", Port(18095))));
        CniAssert.Success(_n.Portmap("ADD", "cbt-pm-k2", _n.PortmapConf("cbt-pm-k2", Port(18095))));
        Assert.That(_n.Rules().Count(r => r.Contains("|cbt-pm-k2|")), Is.EqualTo(4), "1 DNAT and 3 masquerades");
    }
}
