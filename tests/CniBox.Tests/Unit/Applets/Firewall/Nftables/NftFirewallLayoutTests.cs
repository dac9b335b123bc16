using CniBox.Applets.Firewall;
using CniBox.Applets.Firewall.Nftables;
using CniBox.Netlink.Netfilter;
using CniBox.Spec.Addressing;

namespace CniBox.Tests.Unit.Applets.Firewall.Nftables;

/// <summary>Our nftables layout without a kernel: the structure batch, the accepts per address, the isolation rules per policy.</summary>
public class NftFirewallLayoutTests
{
    [Test]
    public void TheStructureRewritesForwardsThreeJumpsInOrder()
    {
        var batch = NftFirewallLayout.Structure(new NftBatch());
        Assert.That(batch.Descriptions, Is.EqualTo(new[]
        {
            "add table inet cnibox_firewall", "add chain inet cnibox_firewall forward", "add chain inet cnibox_firewall isolation_stage_1",
            "add chain inet cnibox_firewall isolation_stage_2", "add chain inet cnibox_firewall admin", "add chain inet cnibox_firewall containers",
            "flush chain inet cnibox_firewall forward", "add rule inet cnibox_firewall forward", "add rule inet cnibox_firewall forward",
            "add rule inet cnibox_firewall forward",
        }));
    }

    [Test]
    public void AnIntactStructureIsNotWrittenAgain()
    {
        var all = new HashSet<string> { "forward", "isolation_stage_1", "isolation_stage_2", "admin", "containers" };
        Assert.That(NftFirewallLayout.Structure(new NftBatch(), all, NftFirewallLayout.Jumps).Count, Is.EqualTo(0),
            "re-adding existing chains is an update the kernel frees after an RCU grace period");
    }

    [Test]
    public void OnlyWhatIsMissingIsAdded()
    {
        var some = new HashSet<string> { "forward", "isolation_stage_1", "admin", "containers" };
        var batch = NftFirewallLayout.Structure(new NftBatch(), some, ["isolation_stage_1", "containers"]);
        Assert.That(batch.Descriptions, Is.EqualTo(new[]
        {
            "add chain inet cnibox_firewall isolation_stage_2", "flush chain inet cnibox_firewall forward",
            "add rule inet cnibox_firewall forward", "add rule inet cnibox_firewall forward", "add rule inet cnibox_firewall forward",
        }));
    }

    [TestCase("10.88.0.2", new byte[] { 2 }, 4)]
    [TestCase("fd00::2", new byte[] { 10 }, 16)]
    public void EachAddressGetsTheRepliesAndEverythingFromIt(string ip, byte[] nfproto, int length)
    {
        var rules = NftFirewallLayout.AddressRules(IpAddr.Parse(ip), "c1 eth0");
        Assert.That(rules.Select(r => (r.Chain, r.Comment)), Is.EqualTo(new[] { ("containers", "c1 eth0"), ("containers", "c1 eth0") }));
        Assert.That(rules[0].Expressions.Select(e => e.Name), Is.EqualTo(new[] { "meta", "cmp", "payload", "cmp", "ct", "bitwise", "cmp", "immediate" }));
        Assert.That(rules[1].Expressions.Select(e => e.Name), Is.EqualTo(new[] { "meta", "cmp", "payload", "cmp", "immediate" }));
        Assert.That(((CmpExpr)rules[0].Expressions[1]).Data, Is.EqualTo(nfproto));
        Assert.That(((CmpExpr)rules[0].Expressions[3]).Data, Has.Length.EqualTo(length));
        Assert.That(((PayloadExpr)rules[0].Expressions[2]).Offset, Is.EqualTo(length == 4 ? 16u : 24u), "destination");
        Assert.That(((PayloadExpr)rules[1].Expressions[2]).Offset, Is.EqualTo(length == 4 ? 12u : 8u), "source");
        Assert.That(rules[0].Expressions[^1], Is.EqualTo(VerdictExpr.Accept));
    }

    [Test]
    public void IsolationRulesPerPolicy()
    {
        Assert.That(NftFirewallLayout.IsolationRules("cni0", IngressPolicy.Open), Is.Empty);
        Assert.That(NftFirewallLayout.IsolationRules("cni0", IngressPolicy.SameBridge).Select(r => (r.Chain, r.Comment)),
            Is.EqualTo(new[] { ("isolation_stage_1", "bridge cni0"), ("isolation_stage_2", "bridge cni0") }));
        var isolated = NftFirewallLayout.IsolationRules("cni0", IngressPolicy.Isolated).ToList();
        Assert.That(isolated.Select(r => r.Comment), Is.EqualTo(new[] { "bridge cni0", "bridge cni0 isolated", "bridge cni0" }));
        Assert.That(isolated[0].Expressions[^1], Is.EqualTo(VerdictExpr.Jump("isolation_stage_2")));
        Assert.That(isolated[1].Expressions[^1], Is.EqualTo(VerdictExpr.Drop));
    }
}
