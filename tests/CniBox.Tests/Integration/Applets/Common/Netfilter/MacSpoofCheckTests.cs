using System.Net.NetworkInformation;
using CniBox.Applets.Common.Netfilter;
using CniBox.Netlink.Netfilter;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common.Netfilter;

/// <summary>The Go-compatible macspoofchk layout inside a fresh cbt-nft-* namespace.</summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class MacSpoofCheckTests
{
    [SetUp]
    public void SetUp() => TestNetns.RequireRoot();

    [Test]
    public void SetupBuildsTheGoLayoutAndTeardownRemovesOnlyItsOwnParts()
    {
        using var t = new NftTestNetns();
        MacSpoofCheck.Setup(t.Nft, "veth1234", PhysicalAddress.Parse("0a:58:0a:c7:00:02"), "c1", "eth0");
        MacSpoofCheck.Setup(t.Nft, "veth5678", PhysicalAddress.Parse("0a:58:0a:c7:00:03"), "c2", "eth0");
        MacSpoofCheck.Setup(t.Nft, "veth1234", PhysicalAddress.Parse("0a:58:0a:c7:00:02"), "c1", "eth0"); // repeated: no stacking

        string text = t.Ruleset();
        Assert.That(text, Does.Contain("table bridge nat {"));
        Assert.That(text, Does.Contain("chain PREROUTING {\n\t\ttype filter hook prerouting priority dstnat; policy accept;\n" +
            "\t\tiifname \"veth5678\" jump cni-br-iface-c2-eth0 comment \"macspoofchk-c2-eth0\"\n" +
            "\t\tiifname \"veth1234\" jump cni-br-iface-c1-eth0 comment \"macspoofchk-c1-eth0\"\n\t}"));
        Assert.That(text, Does.Contain("chain cni-br-iface-c1-eth0 {\n\t\tjump cni-br-iface-c1-eth0-mac comment \"macspoofchk-c1-eth0\"\n\t}"));
        Assert.That(text, Does.Contain("chain cni-br-iface-c1-eth0-mac {\n\t\tether saddr 0a:58:0a:c7:00:02 return comment \"macspoofchk-c1-eth0\"\n" +
            "\t\tdrop comment \"macspoofchk-c1-eth0\"\n\t}"));
        Assert.That(t.JsonRuleComments("bridge", "nat", "PREROUTING"), Is.EqualTo(new[] { "macspoofchk-c2-eth0", "macspoofchk-c1-eth0" }));

        MacSpoofCheck.Teardown(t.Nft, "c1", "eth0");
        Assert.That(t.Nft.ListChains(NftFamily.Bridge, "nat").Select(c => c.Name),
            Is.EquivalentTo(new[] { "PREROUTING", "cni-br-iface-c2-eth0", "cni-br-iface-c2-eth0-mac" }));
        Assert.That(t.Nft.ListRules(NftFamily.Bridge, "nat", "PREROUTING").Select(r => r.Comment), Is.EqualTo(new[] { "macspoofchk-c2-eth0" }));
        MacSpoofCheck.Teardown(t.Nft, "c1", "eth0"); // idempotent
        MacSpoofCheck.Teardown(t.Nft, "c2", "eth0");
        Assert.That(t.Nft.ListChains(NftFamily.Bridge, "nat").Select(c => c.Name), Is.EqualTo(new[] { "PREROUTING" }), "table and base chain stay, as in Go");
    }

    [Test]
    public void TeardownWithoutATableIsANoOp()
    {
        using var t = new NftTestNetns();
        MacSpoofCheck.Teardown(t.Nft, "c1", "eth0");
        Assert.That(t.Ruleset().Trim(), Is.Empty);
    }
}
