using CniBox.Applets.Common.Netfilter;

namespace CniBox.Tests.Unit.Applets.Common.Netfilter;

/// <summary>Names, hashes and comments against the Go plugins' own test vectors (pkg/utils, pkg/ip ipmasq_nftables tests).</summary>
[TestFixture]
public sealed class NamesTests
{
    [TestCase("unit-test", "eth0", "one", "6fd94d501e58f0aa-287fc69eff0574a2, net: unit-test, if: eth0, id: one")]
    [TestCase("unit-test", "eth0", "two", "6fd94d501e58f0aa-d750b2c8f0f25d5f, net: unit-test, if: eth0, id: two")]
    [TestCase("unit-test", "eth0", "three", "6fd94d501e58f0aa-a4d4adb82b669cfe, net: unit-test, if: eth0, id: three")]
    [TestCase("unit-test", "eth0", "four", "6fd94d501e58f0aa-e766de567ef6c543, net: unit-test, if: eth0, id: four")]
    [TestCase("alternate", "net1", "three", "82783ef24bdc7036-acb19d111858e348, net: alternate, if: net1, id: three")]
    public void MasqueradeCommentsMatchGo(string network, string ifName, string containerId, string expected) =>
        Assert.That(Masquerade.CommentForInstance(network, ifName, containerId), Is.EqualTo(expected));

    [Test]
    public void MasqueradeCommentsDropQuotesAndStopAt128Bytes()
    {
        string id = new('a', 80);
        string comment = Masquerade.CommentForInstance("my \"net\"", "eth0", id);
        Assert.That(comment, Has.Length.EqualTo(128));
        Assert.That(comment, Does.StartWith(Masquerade.HashForInstance("my \"net\"", "eth0", id) + ", net: my net, if: eth0, id: aaa"));
        Assert.That(Masquerade.CommentForInstance("n\u00e9t" + new string('x', 80), "eth0", "c1").Length, Is.LessThanOrEqualTo(128));
    }

    [Test]
    public void IptablesChainNamesAndCommentsMatchGo() => Assert.Multiple(() =>
    {
        Assert.That(IptablesMasqueradeNames.ChainName("test", "1234"), Is.EqualTo("CNI-2bbe0c48b91a7d1b8a6753a8"));
        Assert.That(IptablesMasqueradeNames.ChainName("testalongnamethatdoesnotmakesense", "1234"), Is.EqualTo("CNI-374f33fe84ab0ed84dcdebe3"));
        Assert.That(IptablesMasqueradeNames.ChainNameWithPrefix("test", "1234", "PREFIX-"), Is.EqualTo("CNI-PREFIX-2bbe0c48b91a7d1b8"));
        Assert.That(IptablesMasqueradeNames.Comment("test", "1234"), Is.EqualTo("name: \"test\" id: \"1234\""));
        Assert.That(IptablesMasqueradeNames.Comment("a\"b\\c\n", "x"), Is.EqualTo("name: \"a\\\"b\\\\c\\n\" id: \"x\""));
        Assert.Throws<ArgumentOutOfRangeException>(() => GoNames.HashWithPrefix(3, "AAA", "s"));
    });

    [Test]
    public void MacspoofchkNamesMatchGo() => Assert.Multiple(() =>
    {
        Assert.That(MacSpoofCheck.IfaceChain("c1", "eth0"), Is.EqualTo("cni-br-iface-c1-eth0"));
        Assert.That(MacSpoofCheck.MacChain("c1", "eth0"), Is.EqualTo("cni-br-iface-c1-eth0-mac"));
        Assert.That(MacSpoofCheck.Comment("c1", "eth0"), Is.EqualTo("macspoofchk-c1-eth0"));
    });
}
