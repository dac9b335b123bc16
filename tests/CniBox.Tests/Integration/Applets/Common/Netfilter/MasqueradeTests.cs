using CniBox.Applets.Common.Netfilter;
using CniBox.Netlink.Netfilter;
using CniBox.Spec.Addressing;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common.Netfilter;

/// <summary>The Go-compatible ipMasq layout, set up, torn down and collected inside a fresh cbt-nft-* namespace.</summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class MasqueradeTests
{
    [SetUp]
    public void SetUp() => TestNetns.RequireRoot();

    [Test]
    public void SetupBuildsTheGoLayoutReadBackByOurListingAndByNft()
    {
        using var t = new NftTestNetns();
        Masquerade.SetupMasquerade(t.Nft, [IpNet.Parse("10.199.1.2/24")], "net-a", "eth0", "c1");

        string text = t.Ruleset();
        Assert.That(text, Does.Contain("table inet cni_plugins_masquerade {")
            .And.Contain("comment \"Masquerading for plugins from github.com/containernetworking/plugins\""));
        Assert.That(text, Does.Contain("chain masq_checks {\n\t\tcomment \"Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet\""));
        Assert.That(text, Does.Contain("chain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n" +
            "\t\tip daddr 224.0.0.0/4 return\n\t\tip6 daddr ff00::/8 return\n\t\tgoto masq_checks\n\t}"));
        string comment = Masquerade.CommentForInstance("net-a", "eth0", "c1");
        Assert.That(text, Does.Contain($"ip saddr 10.199.1.2 ip daddr != 10.199.1.0/24 masquerade comment \"{comment}\""));
        Assert.That(t.JsonRuleComments("inet", "cni_plugins_masquerade", "masq_checks"), Is.EqualTo(new[] { comment }));
        Assert.That(t.Nft.ListRules(NftFamily.Inet, Masquerade.Table, Masquerade.Chain).Single().Comment, Is.EqualTo(comment));

        // A second setup of the same attachment replaces its rule; postrouting is left in place, not duplicated.
        var postrouting = t.Nft.ListRules(NftFamily.Inet, Masquerade.Table, Masquerade.PostroutingChain).Select(r => r.Handle).ToList();
        Masquerade.SetupMasquerade(t.Nft, [IpNet.Parse("10.199.1.3/24")], "net-a", "eth0", "c1");
        Assert.That(t.Nft.ListRules(NftFamily.Inet, Masquerade.Table, Masquerade.PostroutingChain).Select(r => r.Handle), Is.EqualTo(postrouting));
        var rules = t.Nft.ListRules(NftFamily.Inet, Masquerade.Table, Masquerade.Chain);
        Assert.That(rules.Single().Comment, Is.EqualTo(comment));
        Assert.That(t.Ruleset(), Does.Contain("ip saddr 10.199.1.3 ").And.Not.Contain("10.199.1.2"));
        Assert.That(t.Nft.ListRules(NftFamily.Inet, Masquerade.Table, Masquerade.PostroutingChain), Has.Count.EqualTo(3));
    }

    [Test]
    public void TwoNetworksAndSeveralContainersDoNotDisturbEachOther()
    {
        using var t = new NftTestNetns();
        (string Net, string If, string Cid, string Ip, int Prefix)[] all =
        [
            ("net-a", "eth0", "c1", "10.199.1.2", 24),
            ("net-a", "eth0", "c2", "10.199.1.3", 24),
            ("net-a", "net1", "c2", "fd99:1::3", 64),
            ("net-b", "eth0", "c1", "10.199.2.2", 23),
            ("net-b", "eth0", "c3", "fd99:2::3", 62),
        ];
        foreach (var a in all)
            Masquerade.SetupMasquerade(t.Nft, [IpNet.Parse($"{a.Ip}/{a.Prefix}")], a.Net, a.If, a.Cid);
        Assert.That(Comments(t), Is.EqualTo(all.Select(a => Masquerade.CommentForInstance(a.Net, a.If, a.Cid))));
        string text = t.Ruleset();
        Assert.That(text, Does.Contain("ip saddr 10.199.2.2 ip daddr != 10.199.2.0/23 masquerade"));
        Assert.That(text, Does.Contain("ip6 saddr fd99:1::3 ip6 daddr != fd99:1::/64 masquerade"));
        Assert.That(text, Does.Contain("ip6 saddr fd99:2::3 ip6 daddr != fd99:2::/62 masquerade"));

        Assert.That(Masquerade.TeardownMasquerade(t.Nft, "net-a", "eth0", "c2"), Is.EqualTo(1));
        Assert.That(Comments(t), Is.EqualTo(all.Where(a => a != all[1]).Select(a => Masquerade.CommentForInstance(a.Net, a.If, a.Cid))));
        Assert.That(Masquerade.TeardownMasquerade(t.Nft, "net-a", "eth0", "c2"), Is.Zero, "a second DEL finds nothing, and that is fine");
        Assert.That(t.JsonRuleComments("inet", Masquerade.Table, Masquerade.Chain), Has.Count.EqualTo(4));

        // GC of net-a keeping c1/eth0 (plus an irrelevant entry) removes c2/net1 only; net-b is untouched.
        Assert.That(Masquerade.GcMasquerade(t.Nft, "net-a", [("c1", "eth0"), ("zz", "eth0")]), Is.EqualTo(1));
        Assert.That(Comments(t), Is.EqualTo(new[] { all[0], all[3], all[4] }.Select(a => Masquerade.CommentForInstance(a.Net, a.If, a.Cid))));
        Assert.That(Masquerade.GcMasquerade(t.Nft, "net-b", []), Is.EqualTo(2));
        Assert.That(Comments(t), Is.EqualTo(new[] { Masquerade.CommentForInstance("net-a", "eth0", "c1") }));
        Assert.That(t.Nft.ListRules(NftFamily.Inet, Masquerade.Table, Masquerade.PostroutingChain), Has.Count.EqualTo(3), "postrouting stays");
    }

    [Test]
    public void TeardownAndGcWithoutAnyTableAreNoOps()
    {
        using var t = new NftTestNetns();
        Assert.That(Masquerade.TeardownMasquerade(t.Nft, "net-a", "eth0", "c1"), Is.Zero);
        Assert.That(Masquerade.GcMasquerade(t.Nft, "net-a", []), Is.Zero);
        Assert.That(t.Ruleset().Trim(), Is.Empty);
    }

    [Test]
    public void AForeignRuleInMasqChecksSurvivesTeardownAndGc()
    {
        using var t = new NftTestNetns();
        Masquerade.SetupMasquerade(t.Nft, [IpNet.Parse("10.199.1.2/24")], "net-a", "eth0", "c1");
        t.NftCli("add", "rule", "inet", Masquerade.Table, Masquerade.Chain, "ip", "saddr", "10.199.9.9", "accept", "comment", "\"someone else\"");
        t.NftCli("add", "rule", "inet", Masquerade.Table, Masquerade.Chain, "ip", "saddr", "10.199.9.8", "accept");
        Masquerade.TeardownMasquerade(t.Nft, "net-a", "eth0", "c1");
        Masquerade.GcMasquerade(t.Nft, "net-a", []);
        Assert.That(t.JsonRuleComments("inet", Masquerade.Table, Masquerade.Chain), Is.EqualTo(new[] { "someone else", null }));
    }

    private static List<string?> Comments(NftTestNetns t) =>
        [.. t.Nft.ListRules(NftFamily.Inet, Masquerade.Table, Masquerade.Chain).Select(r => r.Comment)];
}
