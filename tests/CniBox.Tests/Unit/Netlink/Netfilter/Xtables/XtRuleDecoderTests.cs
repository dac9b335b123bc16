using CniBox.Netlink.Codec;
using CniBox.Netlink.Netfilter;
using CniBox.Netlink.Netfilter.Xtables;

namespace CniBox.Tests.Unit.Netlink.Netfilter.Xtables;

/// <summary>
/// Every rule the kernel listed in the captures decodes to the line the real <c>iptables -S</c> printed for it, and the
/// arguments that made it parse to that same text; programs iptables-nft would not write are foreign.
/// </summary>
[TestFixture]
public sealed class XtRuleDecoderTests
{
    private static IEnumerable<TestCaseData> ListedRules() =>
        XtCaptures.Listed.Select(l => new TestCaseData(l).SetArgDisplayNames(l.ToString()));

    [TestCaseSource(nameof(ListedRules))]
    public void ListedRuleReadsAsIptablesPrintsIt(XtListed listed)
    {
        NftRuleInfo rule = Parse(listed.Message);
        XtRule? decoded = XtRuleDecoder.Decode(rule);
        Assert.That(decoded, Is.Not.Null, "decoded as foreign: " + string.Join(", ", rule.Raw.Select(r => r.Name + ":" + Convert.ToHexString(r.Data))));
        Assert.That($"-A {rule.Chain} {decoded}", Is.EqualTo(listed.Line));
    }

    [Test]
    public void ArgumentsParseToTheTextIptablesPrints()
    {
        foreach (XtCommand c in XtCaptures.Commands.Where(c => c.Args[2] is "-A" or "-I" && c.Args[3] != "CNI-CBT-GONE"))
        {
            var spec = c.Args.Skip(c.Args[2] == "-I" ? 5 : 4).ToList();
            string text = $"-A {c.Args[3]} {XtRuleParser.Parse(spec, c.Ipv6)}";
            Assert.That(XtCaptures.Listed.Where(l => l.Scenario == c.Scenario).Select(l => l.Line), Does.Contain(text), string.Join(' ', spec));
        }
    }

    [Test]
    public void UnknownExpressionMakesTheRuleForeign()
    {
        NftRuleInfo listed = Parse(XtCaptures.Listed.First(l => l.Line.Contains("-j MASQUERADE")).Message);
        var raw = listed.Raw.ToList();
        raw.Insert(0, new NftRawExpr("lookup", []));
        Assert.That(XtRuleDecoder.Decode(listed with { Raw = raw }), Is.Null);
    }

    [Test]
    public void UnknownTargetRevisionMakesTheRuleForeign()
    {
        NftRuleInfo listed = Parse(XtCaptures.Listed.First(l => l.Line.Contains("-j DNAT")).Message);
        var raw = listed.Raw.ToList();
        var target = new XtTargetExpr("DNAT", 1, new byte[48]);
        raw[^1] = new NftRawExpr("target", DataOf(target));
        Assert.That(XtRuleDecoder.Decode(listed with { Raw = raw }), Is.Null);
    }

    [Test]
    public void ExpressionsOutOfIptablesOrderMakeTheRuleForeign()
    {
        NftRuleInfo listed = Parse(XtCaptures.Listed.First(l => l.Line.StartsWith("-A CNI-FORWARD -s ", StringComparison.Ordinal)).Message);
        var raw = listed.Raw.ToList();
        (raw[0], raw[1], raw[2]) = (raw[2], raw[0], raw[1]);
        Assert.That(XtRuleDecoder.Decode(listed with { Raw = raw }), Is.Null);
    }

    private static NftRuleInfo Parse(byte[] message)
    {
        var reader = new MessageReader(message);
        Assert.That(reader.MoveNext(), Is.True);
        return NftParse.Rule(reader.Current) ?? throw new AssertionException("not a NEWRULE");
    }

    /// <summary>An expression's NFTA_EXPR_DATA payload, as a listing holds it.</summary>
    private static byte[] DataOf(NftExpr expr)
    {
        byte[] buffer = new byte[1024];
        var w = new NetlinkWriter(buffer);
        expr.Write(ref w);
        var element = new AttributeReader(w.Written);
        element.MoveNext();
        foreach (NetlinkAttribute a in element.Current.GetNested())
            if (a.Type == CniBox.Netlink.Constants.Nft.NFTA_EXPR_DATA)
                return a.Payload.ToArray();
        throw new AssertionException("no data");
    }

    // Fuzz finding (nft-dump): a payload expression with all four attributes but one of them not 4 bytes long threw
    // "Nullable object must have a value" from the decoder; such a program is one iptables-nft never writes.
    [Test]
    public void PayloadWithAShortAttributeIsForeign()
    {
        byte[] data = [.. Attr(1, [0, 0, 0, 1]), .. Attr(2, [0, 1]), .. Attr(3, [0, 0, 0, 12]), .. Attr(4, [0, 0, 0, 4])];
        byte[] element = [.. Attr(1, "payload\0"u8.ToArray()), .. Attr(0x8002, data)];
        byte[] program = Attr(0x8001, element);
        var rule = new NftRuleInfo(NftFamily.Ip, "filter", "FORWARD", 1, null, ["payload"]) { Program = program };
        Assert.That(XtRuleDecoder.Decode(rule), Is.Null);
    }

    private static byte[] Attr(ushort type, byte[] payload)
    {
        int padded = (payload.Length + 3) & ~3;
        return [.. BitConverter.GetBytes((ushort)(4 + payload.Length)), .. BitConverter.GetBytes(type), .. payload, .. new byte[padded - payload.Length]];
    }
}
