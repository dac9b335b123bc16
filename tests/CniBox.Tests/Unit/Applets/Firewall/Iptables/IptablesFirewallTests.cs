using CniBox.Applets.Firewall;
using CniBox.Applets.Firewall.Iptables;
using CniBox.Spec;
using CniBox.Spec.Addressing;

namespace CniBox.Tests.Unit.Applets.Firewall.Iptables;

/// <summary>Go's iptables layout (iptables.go) on list-backed iptables: rules, order, idempotence, rollback, DEL, CHECK texts.</summary>
public class IptablesFirewallTests
{
    private readonly Dictionary<bool, ListIptables> _families = [];

    [SetUp]
    public void Fresh() => _families.Clear();

    private ListIptables Family(bool v6) => _families.TryGetValue(v6, out var f) ? f : _families[v6] = new ListIptables(v6);

    private IptablesFirewall Backend(string admin = "CNI-ADMIN", FirewallRecord? recorded = null) => new(admin, Family, recorded);

    /// <summary>What the applet keeps of an earlier ADD of the attachment: then ADD looks for the rules before appending.</summary>
    private static FirewallRecord Recorded(string address) =>
        new("net", "c1", "eth0", FirewallConfig.Iptables, "cni0", IngressPolicy.Open, [IpNet.Parse(address)]);

    private static FirewallAttachment Attachment(params string[] addresses) =>
        new("c1", "net", "eth0", [.. addresses.Select(IpNet.Parse)], "cni0");

    [Test]
    public void AddWritesGosLayout()
    {
        Backend().Add(Attachment("10.88.0.2/32", "fd00::2/128"));
        var v4 = Family(false);
        Assert.That(v4.Lines("FORWARD"), Is.EqualTo(new[] { "-m comment --comment CNI firewall plugin rules -j CNI-FORWARD" }));
        Assert.That(v4.Lines("CNI-FORWARD"), Is.EqualTo(new[]
        {
            "-m comment --comment CNI firewall plugin admin overrides -j CNI-ADMIN",
            "-d 10.88.0.2/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-s 10.88.0.2/32 -j ACCEPT",
        }));
        Assert.That(v4.Lines("CNI-ADMIN"), Is.Empty);
        Assert.That(Family(true).Lines("CNI-FORWARD")[1..], Is.EqualTo(new[]
        {
            "-d fd00::2/128 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", "-s fd00::2/128 -j ACCEPT",
        }));
    }

    [Test]
    public void TheJumpsStayFirstAndAddTwiceChangesNothing()
    {
        var v4 = Family(false);
        v4.Append("filter", "FORWARD", ["-j", "DROP"]);
        Backend().Add(Attachment("10.88.0.2/32"));
        Backend().Add(Attachment("10.88.0.3/32"));
        var once = v4.Lines("CNI-FORWARD");
        Backend(recorded: Recorded("10.88.0.3/32")).Add(Attachment("10.88.0.3/32"));
        Assert.That(v4.Lines("CNI-FORWARD"), Is.EqualTo(once));
        Assert.That(v4.Lines("FORWARD"), Is.EqualTo(new[] { "-m comment --comment CNI firewall plugin rules -j CNI-FORWARD", "-j DROP" }));
        Assert.That(once, Has.Length.EqualTo(5));
    }

    [Test]
    public void AnAddressTwoAttachmentsShareHasItsRulesOncePerAttachmentAndEachDelRemovesOne()
    {
        var v4 = Family(false);
        Backend().Add(Attachment("10.88.0.2/32"));
        Backend().Add(Attachment("10.88.0.2/32"));
        Assert.That(v4.Lines("CNI-FORWARD").Count(l => l == "-s 10.88.0.2/32 -j ACCEPT"), Is.EqualTo(2), "a first ADD appends without looking");
        Backend().Del(Attachment("10.88.0.2/32"));
        Assert.That(v4.Lines("CNI-FORWARD").Count(l => l == "-s 10.88.0.2/32 -j ACCEPT"), Is.EqualTo(1), "the other attachment keeps its accepts");
    }

    [Test]
    public void AV4OnlyContainerNeverOpensIp6tables()
    {
        Backend().Add(Attachment("10.88.0.2/32"));
        Backend().Del(Attachment("10.88.0.2/32"));
        Assert.That(_families.Keys, Is.EqualTo(new[] { false }));
    }

    [Test]
    public void AFailedAppendRemovesWhatThisAddCreated()
    {
        var v4 = Family(false);
        v4.FailAppendsAfter = 1;
        var backend = Backend();
        Assert.Throws<InvalidOperationException>(() => backend.Add(Attachment("10.88.0.2/32")));
        Assert.That(v4.Lines("CNI-FORWARD"), Has.Length.EqualTo(1), "the first accept is taken back");
        backend.Del(Attachment("10.88.0.2/32"));
        Assert.That(v4.Chains.Keys, Is.EquivalentTo(new[] { "INPUT", "FORWARD", "OUTPUT" }), "chains this ADD created go with its rollback");
        Assert.That(v4.Lines("FORWARD"), Is.Empty);
    }

    [Test]
    public void DelRemovesOnlyThatContainersRulesAndToleratesTheirAbsence()
    {
        Backend().Add(Attachment("10.88.0.2/32"));
        Backend().Add(Attachment("10.88.0.3/32"));
        Backend().Del(Attachment("10.88.0.2/32"));
        Backend().Del(Attachment("10.88.0.2/32"));
        Assert.That(Family(false).Lines("CNI-FORWARD"), Is.EqualTo(new[]
        {
            "-m comment --comment CNI firewall plugin admin overrides -j CNI-ADMIN",
            "-d 10.88.0.3/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-s 10.88.0.3/32 -j ACCEPT",
        }));
        Assert.DoesNotThrow(() => new IptablesFirewall("CNI-ADMIN", _ => new ListIptables(false)).Del(Attachment("10.88.0.9/32")));
    }

    [Test]
    public void CheckNamesTheFirstMissingRuleAsGoDoes()
    {
        Backend("MY-ADMIN").Add(Attachment("10.88.0.2/32"));
        Assert.DoesNotThrow(() => Backend("MY-ADMIN").Check(Attachment("10.88.0.2/32")));
        var e = Assert.Throws<CniException>(() => Backend("MY-ADMIN").Check(Attachment("10.88.0.4/32")))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((999, "expected rule [-d 10.88.0.4/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT] not found")));
        Family(false).DeleteIfExists("filter", "CNI-FORWARD", FirewallIptablesRules.AdminJump("MY-ADMIN"));
        e = Assert.Throws<CniException>(() => Backend("MY-ADMIN").Check(Attachment("10.88.0.2/32")))!;
        Assert.That(e.Msg, Is.EqualTo("expected CNI-FORWARD rule [-m comment --comment CNI firewall plugin admin overrides -j MY-ADMIN] not found"));
        Family(false).DeleteIfExists("filter", "FORWARD", FirewallIptablesRules.ForwardJump());
        e = Assert.Throws<CniException>(() => Backend("MY-ADMIN").Check(Attachment("10.88.0.2/32")))!;
        Assert.That(e.Msg, Is.EqualTo("expected FORWARD rule [-m comment --comment CNI firewall plugin rules -j CNI-FORWARD] not found"));
    }
}
