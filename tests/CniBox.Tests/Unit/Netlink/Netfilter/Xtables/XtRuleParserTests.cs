using CniBox.Netlink.Netfilter.Xtables;

namespace CniBox.Tests.Unit.Netlink.Netfilter.Xtables;

[TestFixture]
public sealed class XtRuleParserTests
{
    [TestCase("-s 10.1.2.3/24 -j ACCEPT", "-s 10.1.2.0/24 -j ACCEPT")]
    [TestCase("-d 10.1.2.3 -j DROP", "-d 10.1.2.3/32 -j DROP")]
    [TestCase("-s 0.0.0.0/0 -p udp --sport 53 --dport 54 -j RETURN", "-p udp -m udp --sport 53 --dport 54 -j RETURN")]
    [TestCase("-j ACCEPT -m comment --comment plain_word-1", "-m comment --comment plain_word-1 -j ACCEPT")]
    [TestCase("-m comment --comment it's -j ACCEPT", "-m comment --comment \"it\\'s\" -j ACCEPT")]
    [TestCase("-m conntrack --ctstate ESTABLISHED,NEW,RELATED -j ACCEPT", "-m conntrack --ctstate NEW,RELATED,ESTABLISHED -j ACCEPT")]
    [TestCase("-m mark ! --mark 0x10 -g CNI-X", "-m mark ! --mark 0x10 -g CNI-X")]
    [TestCase("-j MARK --set-mark 0x4/0x4", "-j MARK --set-xmark 0x4/0x4")]
    [TestCase("-i eth+ -j DROP", "-i eth+ -j DROP")]
    [TestCase("-p tcp -m multiport --dports 1:3,7 -j ACCEPT", "-p tcp -m multiport --dports 1:3,7 -j ACCEPT")]
    public void ParsesToIptablesText(string args, string text) =>
        Assert.That(XtRuleParser.Parse(args.Split(' '), ipv6: false).ToString(), Is.EqualTo(text));

    [Test]
    public void SixToFourIsRefused() =>
        Assert.Throws<XtRuleException>(() => XtRuleParser.Parse(["-s", "10.0.0.1", "-j", "ACCEPT"], ipv6: true));

    [TestCase("-m physdev --physdev-in x -j ACCEPT", "physdev")]
    [TestCase("-j SNAT --to-source 1.2.3.4", "SNAT")]
    [TestCase("-m comment -j ACCEPT", "--comment")]
    [TestCase("-s example.org -j ACCEPT", "example.org")]
    [TestCase("--dport 80 -j ACCEPT", "--dport")]
    public void UnsupportedOrInvalidNamesTheCulprit(string args, string named) =>
        Assert.That(() => XtRuleParser.Parse(args.Split(' '), ipv6: false), Throws.TypeOf<XtRuleException>().With.Message.Contains(named));

    [Test]
    public void MultiportWithoutProtocolIsRefusedWhenEncoded() =>
        Assert.Throws<XtRuleException>(() => XtRuleEncoder.Program(XtRuleParser.Parse(["-m", "multiport", "--dports", "80", "-j", "ACCEPT"], false)));
}
