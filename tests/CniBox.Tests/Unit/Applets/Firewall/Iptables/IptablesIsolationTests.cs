using CniBox.Applets.Firewall;
using CniBox.Applets.Firewall.Iptables;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Firewall.Iptables;

/// <summary>ingressPolicy's iptables rules as Go 1.9.1 writes them (prepend/append order, comments), and our removal.</summary>
public class IptablesIsolationTests
{
    private const string Shared = "-m comment --comment CNI firewall plugin rules (ingressPolicy: same-bridge|isolated)";
    private ListIptables _ipt = null!;

    [SetUp]
    public void Fresh() => _ipt = new ListIptables(false);

    [Test]
    public void SameBridgeThenIsolatedInGosOrder()
    {
        _ipt.Append("filter", "FORWARD", ["-m", "comment", "--comment", "CNI firewall plugin rules", "-j", "CNI-FORWARD"]);
        var isolation = new IptablesIsolation(_ipt);
        isolation.Setup("cni0", IngressPolicy.SameBridge);
        isolation.Setup("cni1", IngressPolicy.Isolated);
        isolation.Setup("cni1", IngressPolicy.Isolated);
        Assert.That(_ipt.Lines("FORWARD"), Is.EqualTo(new[]
        {
            "-j CNI-ISOLATION-STAGE-1 " + Shared, "-m comment --comment CNI firewall plugin rules -j CNI-FORWARD",
        }));
        Assert.That(_ipt.Lines("CNI-ISOLATION-STAGE-1"), Is.EqualTo(new[]
        {
            "-i cni1 -o cni1 -j DROP -m comment --comment CNI firewall plugin rules (ingressPolicy: isolated)",
            "-i cni1 ! -o cni1 -j CNI-ISOLATION-STAGE-2 -m comment --comment CNI firewall plugin rules (ingressPolicy: isolated)",
            "-i cni0 ! -o cni0 -j CNI-ISOLATION-STAGE-2 -m comment --comment CNI firewall plugin rules (ingressPolicy: same-bridge)",
            "-j RETURN " + Shared,
        }));
        Assert.That(_ipt.Lines("CNI-ISOLATION-STAGE-2"), Is.EqualTo(new[] { "-o cni1 -j DROP " + Shared, "-o cni0 -j DROP " + Shared, "-j RETURN " + Shared }));
    }

    [Test]
    public void RemovingTheIsolatedPartKeepsSameBridge()
    {
        var isolation = new IptablesIsolation(_ipt);
        isolation.Setup("cni0", IngressPolicy.SameBridge);
        isolation.Setup("cni0", IngressPolicy.Isolated);
        isolation.Remove("cni0", isolatedOnly: true);
        Assert.DoesNotThrow(() => isolation.Check("cni0", IngressPolicy.SameBridge));
        Assert.Throws<CniException>(() => isolation.Check("cni0", IngressPolicy.Isolated));
    }

    [Test]
    public void TheLastBridgeTakesTheChainsAndTheJump()
    {
        var isolation = new IptablesIsolation(_ipt);
        isolation.Setup("cni0", IngressPolicy.SameBridge);
        isolation.Setup("cni1", IngressPolicy.Isolated);
        isolation.Remove("cni1", isolatedOnly: false);
        Assert.That(_ipt.Lines("CNI-ISOLATION-STAGE-1"), Has.Length.EqualTo(2));
        Assert.That(_ipt.Lines("CNI-ISOLATION-STAGE-2"), Is.EqualTo(new[] { "-o cni0 -j DROP " + Shared, "-j RETURN " + Shared }));
        isolation.Remove("cni0", isolatedOnly: false);
        Assert.That(_ipt.Chains.Keys, Is.EquivalentTo(new[] { "INPUT", "FORWARD", "OUTPUT" }));
        Assert.That(_ipt.Lines("FORWARD"), Is.Empty);
        Assert.DoesNotThrow(() => isolation.Remove("cni0", isolatedOnly: false));
    }

    [Test]
    public void CheckNamesTheMissingRule()
    {
        var isolation = new IptablesIsolation(_ipt);
        isolation.Setup("cni0", IngressPolicy.SameBridge);
        _ipt.DeleteIfExists("filter", IptablesIsolation.Stage2, IptablesIsolation.Stage2Bridge("cni0"));
        var e = Assert.Throws<CniException>(() => isolation.Check("cni0", IngressPolicy.SameBridge))!;
        Assert.That(e.Msg, Is.EqualTo("expected CNI-ISOLATION-STAGE-2 rule [-o cni0 -j DROP -m comment --comment CNI firewall plugin rules (ingressPolicy: same-bridge|isolated)] not found"));
    }
}
