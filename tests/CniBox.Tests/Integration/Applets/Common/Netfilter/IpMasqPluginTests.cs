using System.Text.Json;
using CniBox.Applets.Common.Netfilter;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Netfilter;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common.Netfilter;

/// <summary>
/// bridge and ptp with <c>ipMasq</c>, run as a runtime runs them inside a host-like netns: the masquerade rules
/// appear (read back with our listing and with Debian's <c>nft -j</c>), go on DEL (also without a netns) and on GC,
/// and never touch other attachments' or other tables' rules. Firewall rules exist only in the harness namespace.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class IpMasqPluginTests
{
    private NetHarness _h = null!;
    private NetNsHandle _hostNs = null!;
    private NftHandle _nft = null!;

    [SetUp]
    public void Create()
    {
        _h = new NetHarness("mq");
        _hostNs = NetNsHandle.Open(_h.Host.Path);
        _nft = NftHandle.Open(_hostNs);
    }

    [TearDown]
    public void Destroy()
    {
        _nft.Dispose();
        _hostNs.Dispose();
        _h.Dispose();
    }

    private string BridgeConf(string net = "cbt-mq", string subnets = "10.199.124.0/24 fd99:0:124::/64", string extra = "") =>
        NetHarness.Conf("bridge", "1.0.0", _h.HostLocal(subnets), $",\"bridge\":\"cbtmq0\",\"isGateway\":true,\"ipMasq\":true{extra}", net);

    private string PtpConf(string extra = "") =>
        NetHarness.Conf("ptp", "1.0.0", _h.HostLocal("10.199.125.0/24"), $",\"ipMasq\":true{extra}", "cbt-mqp");

    private ProcessResult Run(string plugin, string verb, string conf, string netns, string cid) =>
        _h.Run(Binaries.Applet(plugin), verb, conf, netns, cid);

    private List<NftRuleInfo> MasqRules() => [.. _nft.ListRules(NftFamily.Inet, Masquerade.Table, Masquerade.Chain)];

    private string Nft(params string[] args) => NftTestNetns.Run("ip", ["netns", "exec", _h.Host.Name, "nft", .. args]);

    /// <summary>The masq_checks rules as Debian's nft prints them in JSON: (comment, masquerade present).</summary>
    private List<(string? Comment, bool Masquerades)> NftJsonMasqRules() =>
        [.. JsonDocument.Parse(Nft("-j", "list", "ruleset")).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out var r) && r.GetProperty("table").GetString() == Masquerade.Table
                && r.GetProperty("chain").GetString() == Masquerade.Chain)
            .Select(e => e.GetProperty("rule"))
            .Select(r => (r.TryGetProperty("comment", out var c) ? c.GetString() : null,
                r.GetProperty("expr").EnumerateArray().Any(x => x.TryGetProperty("masquerade", out _))))];

    [Test]
    public void BridgeAddMasqueradesEveryAddressAndDelRemovesOnlyThoseRules()
    {
        Nft("add table ip cbt_foreign; add chain ip cbt_foreign c; add rule ip cbt_foreign c counter comment \"keep\"");
        var foreignBefore = Nft("list", "table", "ip", "cbt_foreign");
        var c = _h.Container("mqc");
        var conf = BridgeConf();

        CniAssert.Success(Run("bridge", "ADD", conf, c.Path, "cbt-c1"));
        string comment = Masquerade.CommentForInstance("cbt-mq", "eth0", "cbt-c1");
        Assert.That(MasqRules().Select(r => r.Comment), Is.EqualTo(new[] { comment, comment }), "one rule per address (v4 and v6)");
        Assert.That(MasqRules().All(r => r.Expressions.Contains("masq")));
        Assert.That(NftJsonMasqRules(), Is.EqualTo(new[] { (comment, true), (comment, true) }), "nft -j sees the same rules");
        var ruleset = Nft("list", "table", "inet", Masquerade.Table);
        Assert.That(ruleset, Does.Contain("ip saddr 10.199.124.2 ip daddr != 10.199.124.0/24 masquerade"));
        Assert.That(ruleset, Does.Contain("ip6 saddr fd99:0:124::2 ip6 daddr != fd99:0:124::/64 masquerade"));

        CniAssert.SilentSuccess(Run("bridge", "DEL", conf, c.Path, "cbt-c1"));
        Assert.That(MasqRules(), Is.Empty);
        Assert.That(NftJsonMasqRules(), Is.Empty);
        Assert.That(Nft("list", "table", "ip", "cbt_foreign"), Is.EqualTo(foreignBefore), "another table is untouched");
        CniAssert.SilentSuccess(Run("bridge", "DEL", conf, c.Path, "cbt-c1"));
    }

    [Test]
    public void TwoNetworksAndManyContainersKeepTheirOwnRules()
    {
        var confA = BridgeConf("cbt-mq-a", "10.199.124.0/24");
        var confB = NetHarness.Conf("ptp", "1.0.0", _h.HostLocal("10.199.125.0/24"), ",\"ipMasq\":true", "cbt-mq-b");
        var attachments = new List<(string Conf, string Plugin, TestNetns Ns, string Cid)>();
        for (var i = 0; i < 4; i++)
        {
            attachments.Add((confA, "bridge", _h.Container($"mqa{i}"), $"cbt-a{i}"));
            attachments.Add((confB, "ptp", _h.Container($"mqb{i}"), $"cbt-b{i}"));
        }
        foreach (var a in attachments)
            CniAssert.Success(Run(a.Plugin, "ADD", a.Conf, a.Ns.Path, a.Cid));
        Assert.That(MasqRules(), Has.Count.EqualTo(8));

        foreach (var a in attachments.Where((_, i) => i % 3 == 0))
            CniAssert.SilentSuccess(Run(a.Plugin, "DEL", a.Conf, a.Ns.Path, a.Cid));
        var expected = attachments.Where((_, i) => i % 3 != 0)
            .Select(a => Masquerade.CommentForInstance(a.Plugin == "bridge" ? "cbt-mq-a" : "cbt-mq-b", "eth0", a.Cid));
        Assert.That(MasqRules().Select(r => r.Comment), Is.EquivalentTo(expected));
        Assert.That(NftJsonMasqRules().Select(r => r.Comment), Is.EquivalentTo(expected));
    }

    [Test]
    public void ConcurrentAddsAndDelsOfOneNetworkLoseNoRule()
    {
        var c = _h.Container("mqc");
        var conf = BridgeConf(extra: ",\"macspoofchk\":true");
        const int n = 16;
        void All(string verb) => Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = n }, i =>
        {
            var r = _h.Run(Binaries.Applet("bridge"), verb, conf, c.Path, $"cbt-cc{i}", $"eth{i}");
            Assert.That(r.ExitCode, Is.Zero, $"{verb} cbt-cc{i}: {r.Stdout}");
        });

        All("ADD");
        Assert.That(MasqRules(), Has.Count.EqualTo(2 * n), "one rule per address of every container");
        Assert.That(_nft.ListRules(NftFamily.Inet, Masquerade.Table, Masquerade.PostroutingChain), Has.Count.EqualTo(3),
            "postrouting rebuilt by every ADD, never doubled");
        Assert.That(_nft.ListRules(NftFamily.Bridge, MacSpoofCheck.Table, MacSpoofCheck.BaseChain), Has.Count.EqualTo(n));
        All("DEL");
        Assert.That(MasqRules(), Is.Empty);
        Assert.That(_nft.ListRules(NftFamily.Bridge, MacSpoofCheck.Table, MacSpoofCheck.BaseChain), Is.Empty);
        Assert.That(_nft.ListChains(NftFamily.Bridge, MacSpoofCheck.Table).Select(ch => ch.Name), Is.EqualTo(new[] { MacSpoofCheck.BaseChain }));
        Assert.That(_h.AllocatedIps(), Is.Empty);
    }

    [TestCase("bridge")]
    [TestCase("ptp")]
    public void DelWithoutANetnsStillRemovesTheRulesAndTheIp(string plugin)
    {
        var c = _h.Container("mqc");
        var conf = plugin == "bridge" ? BridgeConf() : PtpConf();
        CniAssert.Success(Run(plugin, "ADD", conf, c.Path, "cbt-c1"));
        Assert.That(MasqRules(), Is.Not.Empty);
        CniAssert.SilentSuccess(Run(plugin, "DEL", conf, "", "cbt-c1"));
        Assert.That(MasqRules(), Is.Empty, "rules removed although CNI_NETNS was empty (the Go bridge leaks them, plugins#810)");
        Assert.That(_h.AllocatedIps(), Is.Empty);
    }

    [TestCase("bridge")]
    [TestCase("ptp")]
    public void GcKeepsValidAttachmentsAndRemovesTheRest(string plugin)
    {
        var conf = plugin == "bridge" ? BridgeConf(subnets: "10.199.124.0/24") : PtpConf();
        string net = plugin == "bridge" ? "cbt-mq" : "cbt-mqp";
        foreach (var cid in new[] { "cbt-keep", "cbt-gone" })
            CniAssert.Success(Run(plugin, "ADD", conf, _h.Container("mqc").Path, cid));
        var gc = conf.Replace("\"cniVersion\":\"1.0.0\"", "\"cniVersion\":\"1.1.0\"")[..^1] +
            ",\"cni.dev/valid-attachments\":[{\"containerID\":\"cbt-keep\",\"ifname\":\"eth0\"}]}";
        CniAssert.SilentSuccess(Run(plugin, "GC", gc, "", ""));
        Assert.That(MasqRules().Select(r => r.Comment), Is.EqualTo(new[] { Masquerade.CommentForInstance(net, "eth0", "cbt-keep") }));
        Assert.That(_h.AllocatedIps(), Has.Count.EqualTo(1), "IPAM GC released the other address");
    }

    [TestCase("bridge")]
    [TestCase("ptp")]
    public void ARefusingNetfilterGivesACniErrorAndRollsBackTheVethAndTheIp(string plugin)
    {
        // A chain of the same name but another type (a filter chain on input) makes the kernel refuse the layout
        // (EOPNOTSUPP): the existing postrouting chain is left as it is, and masquerade rules reached from it are refused.
        Nft($"add table inet {Masquerade.Table}; add chain inet {Masquerade.Table} postrouting {{ type filter hook input priority 0; }}");
        var c = _h.Container("mqc");
        var hostLinks = NetHarness.Links(_h.Host);
        var msg = CniAssert.Error(Run(plugin, "ADD", plugin == "bridge" ? BridgeConf() : PtpConf(), c.Path, "cbt-c1"), 999);
        Assert.That(msg, Does.StartWith("failed to set up IP masquerade: ").And.Contain(" inet cni_plugins_masquerade ")
            .And.Contain("(EOPNOTSUPP)"));
        Assert.That(NetHarness.Links(c), Is.Empty, "container veth removed");
        Assert.That(NetHarness.Links(_h.Host).Where(l => l.StartsWith("veth")), Is.Empty, "host veth removed");
        Assert.That(NetHarness.Links(_h.Host).Except(hostLinks).Where(l => l != "cbtmq0"), Is.Empty);
        Assert.That(_h.AllocatedIps(), Is.Empty, "IP released");
    }

    [Test]
    public void AnUnknownBackendIsRefusedBeforeAnythingIsCreated()
    {
        var c = _h.Container("mqc");
        var msg = CniAssert.Error(Run("bridge", "ADD", BridgeConf(extra: ",\"ipMasqBackend\":\"pf\""), c.Path, "cbt-c1"), 7);
        Assert.That(msg, Is.EqualTo("ipMasqBackend must be either \"iptables\" or \"nftables\", not \"pf\""));
        Assert.That(NetHarness.Links(_h.Host), Is.Empty);
        Assert.That(_h.AllocatedIps(), Is.Empty);
    }
}
