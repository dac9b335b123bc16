using System.Buffers.Binary;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Netfilter;
using CniBox.Netlink.Netfilter.Xtables;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Tests.Unit.Netlink.Netfilter.Xtables;

/// <summary>
/// Every table, chain and rule message iptables-nft 1.8.9 sent in the captures, rebuilt from the same iptables
/// arguments: byte for byte (sequence numbers zeroed in both).
/// </summary>
[TestFixture]
public sealed class XtRuleEncoderTests
{
    private static IEnumerable<TestCaseData> RuleCommands() =>
        XtCaptures.Commands.Where(c => c.Args[2] is "-A" or "-I")
            .Select(c => new TestCaseData(c).SetArgDisplayNames($"{c.Scenario} {string.Join(' ', c.Args.Skip(2))}"));

    private static IEnumerable<TestCaseData> ChainCommands() =>
        XtCaptures.Commands.Where(c => c.Sent.Any(s => s.Type is "NEWTABLE" or "NEWCHAIN"))
            .Select(c => new TestCaseData(c).SetArgDisplayNames($"{c.Scenario} {string.Join(' ', c.Args.Skip(2))}"));

    [TestCaseSource(nameof(RuleCommands))]
    public void RuleIsWhatIptablesNftSent(XtCommand command)
    {
        bool insert = command.Args[2] == "-I";
        string chain = command.Args[3];
        var spec = command.Args.Skip(insert ? 5 : 4).ToList();
        byte[] sent = command.Sent.Single(s => s.Type == "NEWRULE").Message;
        NftRule rule = XtRuleEncoder.Rule(XtRuleParser.Parse(spec, command.Ipv6), command.Table, chain) with
        {
            Append = !insert,
            Position = insert && command.Args[4] != "1" ? Position(sent) : null,
        };
        Assert.That(Convert.ToHexString(Build((ref NetlinkWriter w) => NftMessages.NewRule(ref w, 0, rule))), Is.EqualTo(Convert.ToHexString(sent)));
    }

    [TestCaseSource(nameof(ChainCommands))]
    public void TableAndChainAreWhatIptablesNftSent(XtCommand command)
    {
        NftFamily family = command.Ipv6 ? NftFamily.Ip6 : NftFamily.Ip;
        foreach (var (type, sent) in command.Sent.Where(s => s.Type is "NEWTABLE" or "NEWCHAIN"))
        {
            string chain = command.Args[3];
            byte[] ours = type == "NEWTABLE" ? Build((ref NetlinkWriter w) => XtTables.NewTable(ref w, family, command.Table))
                : XtTables.FindBuiltin(command.Table, chain) is { } builtin ? Build((ref NetlinkWriter w) => XtTables.NewBuiltinChain(ref w, family, builtin))
                : Build((ref NetlinkWriter w) => XtTables.NewUserChain(ref w, family, command.Table, chain));
            Assert.That(Convert.ToHexString(ours), Is.EqualTo(Convert.ToHexString(sent)), type);
        }
    }

    [Test]
    public void CapturesCoverEveryShape()
    {
        Assert.That(RuleCommands().Count(), Is.GreaterThanOrEqualTo(40));
        Assert.That(XtCaptures.Commands.Select(c => c.Scenario).Distinct(), Is.EquivalentTo(new[]
            { "firewall4", "firewall6", "masquerade4", "masquerade6", "portmap4", "portmap6" }));
    }

    /// <summary>NFTA_RULE_POSITION of the captured message: the handle the kernel had given the rule it went before.</summary>
    private static ulong Position(byte[] message)
    {
        var reader = new AttributeReader(message.AsSpan(20));
        foreach (NetlinkAttribute a in reader)
            if (a.Type == NFTA_RULE_POSITION)
                return BinaryPrimitives.ReadUInt64BigEndian(a.Payload);
        throw new AssertionException("the captured insert has no position");
    }

    private static byte[] Build(NftMessageBuilder build)
    {
        byte[] buffer = new byte[4096];
        var writer = new NetlinkWriter(buffer);
        build(ref writer);
        return writer.Written.ToArray();
    }
}
