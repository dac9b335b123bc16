using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using CniBox.Applets.Common.Netfilter;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Netfilter;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Tests.Unit.Netlink.Netfilter;

/// <summary>
/// Our builders against nft 1.0.6's bytes (<see cref="NftCaptures"/>), built with nft's sequence number (1 inside a
/// batch, 0 for its dumps). nft sets no NLM_F_ACK; <see cref="NftBatch"/> adds it when sealing, tested separately.
/// </summary>
[TestFixture]
public sealed class NftMessagesTests
{
    private const NftFamily Inet = NftFamily.Inet;
    private const NftFamily Bridge = NftFamily.Bridge;

    private static readonly NftRule[] Rules = [];

    [Test]
    public void Tables() => Assert.Multiple(() =>
    {
        Assert.That(Build((ref w) => NftMessages.NewTable(ref w, 1, Inet, "cbt_t")), Is.EqualTo(NftCaptures.NewTable));
        Assert.That(Build((ref w) => NftMessages.NewTable(ref w, 1, Inet, "cbt_t", Masquerade.TableComment)), Is.EqualTo(NftCaptures.NewTableWithComment));
        Assert.That(Build((ref w) => NftMessages.DelTable(ref w, 1, Inet, "cbt_t")), Is.EqualTo(NftCaptures.DelTable));
        Assert.That(Build((ref w) => NftMessages.NewTable(ref w, 1, Bridge, "nat")), Is.EqualTo(NftCaptures.NewBridgeTable));
    });

    [Test]
    public void Chains() => Assert.Multiple(() =>
    {
        Assert.That(Build((ref w) => NftMessages.NewChain(ref w, 1, new NftChain(Inet, "cbt_t", "masq_checks", Comment: Masquerade.ChainComment))),
            Is.EqualTo(NftCaptures.NewChainWithComment));
        Assert.That(Build((ref w) => NftMessages.NewChain(ref w, 1, new NftChain(Inet, "cbt_t", "postrouting", new NftBaseChain("nat", NF_INET_POST_ROUTING, 100)))),
            Is.EqualTo(NftCaptures.NewBaseChain));
        Assert.That(Build((ref w) => NftMessages.NewChain(ref w, 1, new NftChain(Bridge, "nat", "PREROUTING", new NftBaseChain("filter", NF_INET_PRE_ROUTING, -300, NF_ACCEPT)))),
            Is.EqualTo(NftCaptures.NewPrerouting));
        Assert.That(Build((ref w) => NftMessages.NewChain(ref w, 1, new NftChain(Bridge, "nat", "cni-br-iface-c1-eth0"))), Is.EqualTo(NftCaptures.NewRegularChain));
        Assert.That(Build((ref w) => NftMessages.FlushChain(ref w, 1, Inet, "cbt_t", "postrouting")), Is.EqualTo(NftCaptures.FlushChain));
        Assert.That(Build((ref w) => NftMessages.DelChain(ref w, 1, Inet, "cbt_t", "masq_checks")), Is.EqualTo(NftCaptures.DelChain));
    });

    [Test]
    public void MasqueradeRules() => Assert.Multiple(() =>
    {
        Assert.That(Rule(Inet, "cbt_t", "postrouting", null, NftMatch.NfProto(AddressFamily.InterNetwork),
            NftMatch.Destination(IPNetwork.Parse("224.0.0.0/4")), [VerdictExpr.Return]), Is.EqualTo(NftCaptures.MulticastReturn));
        Assert.That(Rule(Inet, "cbt_t", "postrouting", null, NftMatch.NfProto(AddressFamily.InterNetworkV6),
            NftMatch.Destination(IPNetwork.Parse("ff00::/8")), [VerdictExpr.Return]), Is.EqualTo(NftCaptures.Multicast6Return));
        Assert.That(Rule(Inet, "cbt_t", "postrouting", null, [VerdictExpr.Goto("masq_checks")]), Is.EqualTo(NftCaptures.GotoMasqChecks));
        Assert.That(Rule(Inet, "cbt_t", "masq_checks", "x", NftMatch.NfProto(AddressFamily.InterNetwork), NftMatch.Source(IPAddress.Parse("10.199.0.2")),
            NftMatch.Destination(IPNetwork.Parse("10.199.0.0/24"), equal: false), [new MasqExpr()]), Is.EqualTo(NftCaptures.MasqRule));
        Assert.That(Rule(Inet, "cbt_t", "masq_checks", "x", NftMatch.NfProto(AddressFamily.InterNetwork), NftMatch.Source(IPAddress.Parse("10.199.2.2")),
            NftMatch.Destination(IPNetwork.Parse("10.199.2.0/23"), equal: false), [new MasqExpr()]), Is.EqualTo(NftCaptures.MasqRule23));
        Assert.That(Rule(Inet, "cbt_t", "masq_checks", "y", NftMatch.NfProto(AddressFamily.InterNetworkV6), NftMatch.Source(IPAddress.Parse("fd99::2")),
            NftMatch.Destination(IPNetwork.Parse("fd99::/64"), equal: false), [new MasqExpr()]), Is.EqualTo(NftCaptures.MasqRule6));
        Assert.That(Build((ref w) => NftMessages.DelRule(ref w, 1, Inet, "cbt_t", "masq_checks", 6)), Is.EqualTo(NftCaptures.DelRule));
    });

    [Test]
    public void MacspoofchkRules() => Assert.Multiple(() =>
    {
        const string comment = "macspoofchk-c1-eth0";
        Assert.That(Rule(Bridge, "nat", "PREROUTING", comment, NftMatch.IifName("veth1234"), [VerdictExpr.Jump("cni-br-iface-c1-eth0")]),
            Is.EqualTo(NftCaptures.IifnameJump));
        Assert.That(Rule(Bridge, "nat", "cni-br-iface-c1-eth0-mac", comment, NftMatch.EtherSource(PhysicalAddress.Parse("0a:58:0a:c7:00:02")),
            [VerdictExpr.Return]), Is.EqualTo(NftCaptures.EtherSaddrReturn));
        Assert.That(Rule(Bridge, "nat", "cni-br-iface-c1-eth0-mac", comment, [VerdictExpr.Drop]), Is.EqualTo(NftCaptures.Drop));
    });

    [Test]
    public void NatCounterAndAcceptForPortmap() => Assert.Multiple(() =>
    {
        // meta l4proto tcp tcp dport 8080 counter dnat to 10.199.0.2:80
        Assert.That(Rule(NftFamily.Ip, "cbt_t", "pre", null, NftMatch.L4Proto(6), NftMatch.DestinationPort(8080),
            [new CounterExpr(), new ImmediateExpr(NFT_REG_1, [10, 199, 0, 2]), new ImmediateExpr(NFT_REG_2, [0, 80]),
             new NatExpr(NFT_NAT_DNAT, NftFamily.Ip, NFT_REG_1, NFT_REG_2)]), Is.EqualTo(NftCaptures.Dnat));
        // oifname "v0" snat to 10.199.0.1
        Assert.That(Rule(NftFamily.Ip, "cbt_t", "post", null, NftMatch.OifName("v0"),
            [new ImmediateExpr(NFT_REG_1, [10, 199, 0, 1]), new NatExpr(NFT_NAT_SNAT, NftFamily.Ip)]), Is.EqualTo(NftCaptures.Snat));
        Assert.That(Rule(NftFamily.Ip, "cbt_t", "pre", null, [VerdictExpr.Accept]), Is.EqualTo(NftCaptures.Accept));
    });

    [Test]
    public void RuleDumpRequest() =>
        Assert.That(Build((ref w) => NftMessages.GetRules(ref w, 0, Inet, "cbt_t", "masq_checks")), Is.EqualTo(NftCaptures.GetRulesRequest));

    [Test]
    public void SealingWrapsInBeginEndNumbersFromTheFirstSeqAndAddsAck()
    {
        byte[] sealed_ = new NftBatch().AddTable(Inet, "cbt_t").Seal(0);
        byte[] table = (byte[])NftCaptures.NewTable.Clone();
        table[6] |= 0x04; // the only intentional difference from nft: NLM_F_ACK on each message (flags 0x0005)
        byte[] expected =
        [
            0x14, 0x00, 0x00, 0x00,                         // nlmsg_len 20
            0x10, 0x00, 0x01, 0x00,                         // NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // seq 0, pid 0
            0x00, 0x00, 0x00, 0x0a,                         // nfgenmsg AF_UNSPEC, v0, res_id NFNL_SUBSYS_NFTABLES (big endian)
            .. table,                                       // seq 1
            0x14, 0x00, 0x00, 0x00,                         // nlmsg_len 20
            0x11, 0x00, 0x01, 0x00,                         // NFNL_MSG_BATCH_END, NLM_F_REQUEST
            0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // seq 2, pid 0
            0x00, 0x00, 0x00, 0x0a,                         // nfgenmsg AF_UNSPEC, v0, res_id 10
        ];
        Assert.That(sealed_, Is.EqualTo(expected));
    }

    [Test]
    public void ABatchGrowsPastItsFirstBufferAndDescribesItsMessages()
    {
        var batch = new NftBatch();
        for (int i = 0; i < 300; i++)
            batch.AddRule(new NftRule(Inet, "t", "c", [.. NftMatch.Source(IPAddress.Parse("10.199.0.2")), new MasqExpr()], new string('c', 128)));
        batch.DeleteRule(Inet, "t", "c", 42);
        byte[] datagram = batch.Seal(100);
        int count = 0;
        uint lastSeq = 0;
        foreach (NetlinkMessage m in new MessageReader(datagram))
        {
            count++;
            lastSeq = m.Sequence;
        }
        Assert.That((count, lastSeq, batch.Count), Is.EqualTo((303, 402u, 301)));
        Assert.That(batch.Descriptions.Last(), Is.EqualTo("delete rule inet t c handle 42"));
    }

    [Test]
    public void ParsesTableChainAndRuleReplies()
    {
        Assert.That(NftParse.Table(GoldenRequest.Single(NftCaptures.TableReply)), Is.EqualTo(new NftTableInfo(Inet, "cbt_t", 1, 0, "tc")));
        Assert.That(NftParse.Chain(GoldenRequest.Single(NftCaptures.ChainReply)), Is.EqualTo(new NftChainInfo(Inet, "cbt_t", "masq_checks", 2, null, null) { Use = 1 }),
            "the captured chain is the target of one jump (NFTA_CHAIN_USE)");
        Assert.That(NftParse.Chain(GoldenRequest.Single(NftCaptures.BaseChainReply)),
            Is.EqualTo(new NftChainInfo(Inet, "cbt_t", "postrouting", 2, new NftBaseChain("nat", NF_INET_POST_ROUTING, 100, NF_ACCEPT), null)));
        NftRuleInfo rule = NftParse.Rule(GoldenRequest.Single(NftCaptures.RuleReply))!;
        Assert.That((rule.Family, rule.Table, rule.Chain, rule.Handle, rule.Comment), Is.EqualTo((Inet, "cbt_t", "masq_checks", 3ul, "x")));
        Assert.That(rule.Expressions, Is.EqualTo(new[] { "meta", "cmp", "payload", "cmp", "payload", "cmp", "masq" }));
        Assert.That(NftParse.Rule(GoldenRequest.Single(NftCaptures.TableReply)), Is.Null, "another message type");
    }

    [Test]
    public void ARuleListsTheChainsItsJumpAndGotoVerdictsName()
    {
        NftRuleInfo jump = NftParse.Rule(GoldenRequest.Single(Rule(NftFamily.Ip, "nat", "POSTROUTING", null,
            NftMatch.Source(IPAddress.Parse("10.199.0.2")), [VerdictExpr.Jump("CNI-abc")])))!;
        Assert.That(jump.JumpTargets, Is.EqualTo(new[] { "CNI-abc" }));
        Assert.That(jump.Expressions, Is.EqualTo(new[] { "payload", "cmp", "immediate" }));
        NftRuleInfo gotoRule = NftParse.Rule(GoldenRequest.Single(Rule(Inet, "t", "c", "x", [VerdictExpr.Goto("masq_checks")])))!;
        Assert.That(gotoRule.JumpTargets, Is.EqualTo(new[] { "masq_checks" }));
        NftRuleInfo plain = NftParse.Rule(GoldenRequest.Single(Rule(Inet, "t", "c", null, NftMatch.IifName("veth0"), [VerdictExpr.Return])))!;
        Assert.That(plain.JumpTargets, Is.Empty, "return and cmp data are not chain names");
    }

    [Test]
    public void CommentsAreNftUserDataTlvs()
    {
        Assert.That(NftUserData.Comment("x"), Is.EqualTo(new byte[] { 0x00, 0x02, 0x78, 0x00 }));
        Assert.That(NftUserData.ReadComment([0x01, 0x01, 0xff, 0x00, 0x03, 0x61, 0x62, 0x00]), Is.EqualTo("ab"), "skips other TLV types");
        Assert.That(NftUserData.ReadComment([0x00, 0x09, 0x61]), Is.Null, "truncated");
        Assert.Throws<ArgumentException>(() => NftUserData.Comment(new string('c', 255)));
        Assert.Throws<ArgumentException>(() => NftMatch.IifName("sixteen-chars-xx"));
    }

    private static byte[] Build(Build build) => GoldenRequest.Of(build);

    private static byte[] Rule(NftFamily family, string table, string chain, string? comment, params NftExpr[][] parts) =>
        GoldenRequest.Of((ref w) => NftMessages.NewRule(ref w, 1, new NftRule(family, table, chain, [.. parts.SelectMany(p => p)], comment)));
}
