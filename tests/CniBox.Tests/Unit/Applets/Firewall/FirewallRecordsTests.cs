using CniBox.Applets.Firewall;
using CniBox.Spec.Addressing;

namespace CniBox.Tests.Unit.Applets.Firewall;

/// <summary>The per-attachment records: round trip, names with dashes, bridge use across networks, directories removed.</summary>
public class FirewallRecordsTests
{
    private string _root = null!;
    private FirewallRecords _records = null!;

    [SetUp]
    public void Create()
    {
        _root = Path.Combine(Directory.CreateTempSubdirectory("cbt-fw-records-").FullName, "firewall");
        _records = new FirewallRecords(_root);
    }

    [TearDown]
    public void Destroy() => Directory.Delete(Path.GetDirectoryName(_root)!, true);

    private static FirewallRecord Record(string network, string cid, string ifName = "eth0", string bridge = "cni0",
        IngressPolicy policy = IngressPolicy.SameBridge, string backend = "iptables") =>
        new(network, cid, ifName, backend, bridge, policy, [IpNet.Parse("10.88.0.2/32"), IpNet.Parse("fd00::2/128")]);

    [Test]
    public void RemoveAndGcTakeTheTemporaryFileOfAKilledWrite()
    {
        _records.Write(Record("net", "killed"));
        _records.Write(Record("net", "other"));
        var dir = Path.Combine(_root, "net");
        File.WriteAllText(Path.Combine(dir, "killed-eth0.tmp-4194999"), "backend ipt");
        File.WriteAllText(Path.Combine(dir, "gone-eth0.tmp-4194998"), "backend ipt");
        File.WriteAllText(Path.Combine(dir, $"live-eth0.tmp-{Environment.ProcessId}"), "backend ipt");
        _records.Remove("net", "killed", "eth0");
        Assert.That(File.Exists(Path.Combine(dir, "killed-eth0.tmp-4194999")), Is.False, "DEL leaves the killed ADD's temporary file");
        _records.RemoveAbandonedTemporaries("net");
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "other-eth0", $"live-eth0.tmp-{Environment.ProcessId}" }), "a running writer's file stays");
    }

    [Test]
    public void RoundTrip()
    {
        var record = Record("net", "abc-def", "eth-1", policy: IngressPolicy.Isolated);
        _records.Write(record);
        var read = _records.Read("net", "abc-def", "eth-1")!;
        Assert.That((read.Backend, read.Bridge, read.Policy, read.Network, read.ContainerId, read.IfName),
            Is.EqualTo(("iptables", "cni0", IngressPolicy.Isolated, "net", "abc-def", "eth-1")));
        Assert.That(read.Addresses, Is.EqualTo(record.Addresses));
        var listed = _records.InNetwork("net").Single();
        Assert.That((listed.ContainerId, listed.IfName), Is.EqualTo(("abc-def", "eth-1")));
        Assert.That(Directory.GetFiles(Path.Combine(_root, "net")), Has.Length.EqualTo(1), "no temporary file is left");
    }

    [Test]
    public void MissingIsNull() => Assert.That(_records.Read("net", "nope", "eth0"), Is.Null);

    [Test]
    public void BridgeInUseLooksAtEveryNetworkAndTheSameKindOfIsolation()
    {
        var self = Record("a", "c1");
        _records.Write(self);
        Assert.That(_records.BridgeInUse(self, "cni0", isolatedOnly: false), Is.False, "itself does not count");
        _records.Write(Record("b", "c2", backend: "nftables"));
        _records.Write(Record("b", "c3", policy: IngressPolicy.Open));
        Assert.That(_records.BridgeInUse(self, "cni0", isolatedOnly: false), Is.False, "nftables isolation and open attachments do not count");
        _records.Write(Record("b", "c4", backend: "firewalld"));
        Assert.That(_records.BridgeInUse(self, "cni0", isolatedOnly: false), Is.True, "firewalld isolates in iptables too");
        Assert.That(_records.BridgeInUse(self, "cni0", isolatedOnly: true), Is.False);
        _records.Write(Record("b", "c5", policy: IngressPolicy.Isolated));
        Assert.That(_records.BridgeInUse(self, "cni0", isolatedOnly: true), Is.True);
        Assert.That(_records.BridgeInUse(self, "cni9", isolatedOnly: false), Is.False);
    }

    [Test]
    public void TheLastRecordTakesItsDirectories()
    {
        _records.Write(Record("net", "c1"));
        _records.Write(Record("net", "c1", "eth1"));
        _records.Remove("net", "c1", "eth0");
        Assert.That(_records.InNetwork("net").Select(r => r.IfName), Is.EqualTo(new[] { "eth1" }));
        _records.Remove("net", "c1", "eth1");
        _records.Remove("net", "c1", "eth1");
        Assert.That(Directory.Exists(_root), Is.False);
    }
}
