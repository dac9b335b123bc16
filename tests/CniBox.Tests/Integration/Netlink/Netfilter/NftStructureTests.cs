using System.Net;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Netfilter;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Netlink.Netfilter;

/// <summary>A table's fixed structure written once, then left alone while it is the same, inside a fresh cbt-pq-* namespace.</summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class NftStructureTests
{
    private const string Table = "cbt_structure";

    [SetUp]
    public void SetUp() => TestNetns.RequireRoot();

    private static NftBatch Write(NftHandle? nft, IPNetwork local, string? comment = null)
    {
        var batch = new NftBatch();
        var pre = new NftChain(NftFamily.Ip, Table, "pre", new NftBaseChain("nat", Nft.NF_INET_PRE_ROUTING, -100));
        new NftStructure(nft, batch, NftFamily.Ip, Table, "structure")
            .Chain(new NftChain(NftFamily.Ip, Table, "target"))
            .Chain(pre,
                new NftRule(NftFamily.Ip, Table, "pre", [.. NftMatch.Source(local), .. NftMatch.NotDnatted(), .. NftMatch.DestinationIsLocal(),
                    VerdictExpr.Jump("target")], comment),
                new NftRule(NftFamily.Ip, Table, "pre", [.. NftMatch.IifName("lo", equal: false), VerdictExpr.Return]));
        return batch;
    }

    [Test]
    public void AStructureInPlaceIsNotWrittenAgain()
    {
        using var t = new NftTestNetns("pq");
        t.Nft.Commit(Write(t.Nft, IPNetwork.Parse("10.199.255.0/24")));
        ulong handle = t.Nft.ListRules(NftFamily.Ip, Table, "pre")[0].Handle;

        Assert.That(Write(t.Nft, IPNetwork.Parse("10.199.255.0/24")).Descriptions, Is.Empty);
        Assert.That(t.Nft.ListRules(NftFamily.Ip, Table, "pre")[0].Handle, Is.EqualTo(handle));
    }

    [Test]
    public void ADifferentRuleRewritesItsChainOnly()
    {
        using var t = new NftTestNetns("pq");
        t.Nft.Commit(Write(t.Nft, IPNetwork.Parse("10.199.255.0/24")));

        foreach (var batch in new[] { Write(t.Nft, IPNetwork.Parse("10.199.255.0/25")), Write(t.Nft, IPNetwork.Parse("10.199.255.0/24"), "c") })
        {
            Assert.That(batch.Descriptions, Is.EqualTo(new[]
            {
                "flush chain ip cbt_structure pre", "add rule ip cbt_structure pre", "add rule ip cbt_structure pre",
            }).Or.EqualTo(new[]
            {
                "flush chain ip cbt_structure pre", "add rule ip cbt_structure pre comment \"c\"", "add rule ip cbt_structure pre",
            }));
            t.Nft.Commit(batch);
        }
        Assert.That(t.Ruleset(), Does.Contain("ip saddr 10.199.255.0/24 ct status ! dnat fib daddr type local jump target comment \"c\""));
    }

    [Test]
    public void WithoutAHandleEverythingIsWrittenAsUpstreamDoes()
    {
        Assert.That(Write(null, IPNetwork.Parse("10.199.255.0/24")).Descriptions, Is.EqualTo(new[]
        {
            "add table ip cbt_structure", "add chain ip cbt_structure target", "add chain ip cbt_structure pre",
            "flush chain ip cbt_structure pre", "add rule ip cbt_structure pre", "add rule ip cbt_structure pre",
        }));
    }
}
