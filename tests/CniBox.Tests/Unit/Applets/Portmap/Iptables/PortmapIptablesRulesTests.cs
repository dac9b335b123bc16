using CniBox.Applets.Common;
using CniBox.Applets.Portmap;
using CniBox.Applets.Portmap.Iptables;
using CniBox.Spec;
using CniBox.Spec.Addressing;

namespace CniBox.Tests.Unit.Applets.Portmap.Iptables;

/// <summary>
/// The rule text of Go's iptables portmap layout, golden strings taken from what Debian's Go portmap 1.1.1 wrote
/// (iptables-save of a node after its ADD, before iptables' normalisation) and from portmap_iptables_test.go.
/// </summary>
[TestFixture]
public sealed class PortmapIptablesRulesTests
{
    private static PortmapPlan Plan(IReadOnlyList<PortMapping> mappings, bool snat = true, bool masqAll = false, int bit = 13,
        string? external = null, IReadOnlyList<string>? v4 = null, IReadOnlyList<string>? v6 = null) =>
        new("cbt-pi", "c1", IpNet.Parse("10.199.130.2/24"), IpNet.Parse("fd99:0:130::2/64"), mappings, snat, masqAll, bit, external, v4, v6);

    private static PortMapping Map(ushort host, ushort container, string proto = "tcp", string? hostIp = null) =>
        new(host, container, proto, hostIp is null ? null : IpAddr.Parse(hostIp));

    private static string[] Lines(IptablesChainSpec chain) => [.. chain.Rules.Select(r => string.Join(' ', r))];

    private static string[] EntryLines(IptablesChainSpec chain) =>
        [.. chain.EntryChains.SelectMany(e => chain.EntryRules.Select(r => $"{e} " + string.Join(' ', chain.EntryRule(r))))];

    [Test]
    public void ChainNamesAndCommentMatchGo() => Assert.Multiple(() =>
    {
        Assert.That(PortmapIptablesRules.DnatChainName("cbt-pi", "c1"), Is.EqualTo("CNI-DN-452be86908522ace8fe0d"), "written by Go 1.1.1");
        Assert.That(PortmapIptablesRules.DnatChainName("cbt-pi", "c2"), Is.EqualTo("CNI-DN-fe81c4f601b7591743b1c"), "written by Go 1.1.1");
        Assert.That(PortmapIptablesRules.OldSnatChainName("cbt-pi", "c1"), Does.StartWith("CNI-SN-452be86908522ace8fe0d"));
        Assert.That(PortmapIptablesRules.Comment("cbt-pi", "c1"), Is.EqualTo("dnat name: \"cbt-pi\" id: \"c1\""));
    });

    [Test]
    public void CommentIsCutTo255CharactersAsTrimCommentDoes()
    {
        string comment = PortmapIptablesRules.Comment("n", new string('x', 300));
        Assert.That(comment, Has.Length.EqualTo(256));
        Assert.That(comment, Does.StartWith("dnat name: \"n\" id: \"xxx").And.EndWith("xx..."));
        Assert.That(comment[..253], Is.EqualTo($"dnat name: \"n\" id: \"{new string('x', 300)}"[..253]));
    }

    [TestCase(13, "0x2000/0x2000")]
    [TestCase(0, "0x1/0x1")]
    [TestCase(31, "0x80000000/0x80000000")]
    public void MarkIsGoHexOfOneShiftedByTheBit(int bit, string expected) =>
        Assert.That(PortmapIptablesRules.MarkDef(bit), Is.EqualTo(expected));

    [Test]
    public void OneMappingV4GivesHairpinLocalhostAndDnatRules()
    {
        var chains = PortmapIptablesRules.Chains(Plan([Map(8080, 80)]), IpNet.Parse("10.199.130.2/24"));
        Assert.That(chains.Select(c => c.Name), Is.EqualTo(new[] { "CNI-HOSTPORT-SETMARK", "CNI-HOSTPORT-MASQ", "CNI-HOSTPORT-DNAT", "CNI-DN-452be86908522ace8fe0d" }));
        Assert.That(Lines(chains[0]), Is.EqualTo(new[] { "-m comment --comment CNI portfwd masquerade mark -j MARK --set-xmark 0x2000/0x2000" }));
        Assert.That(Lines(chains[1]), Is.EqualTo(new[] { "-m mark --mark 0x2000/0x2000 -j MASQUERADE" }));
        Assert.That(EntryLines(chains[1]), Is.EqualTo(new[] { "POSTROUTING -m comment --comment CNI portfwd requiring masquerade -j CNI-HOSTPORT-MASQ" }));
        Assert.That(chains[1].PrependEntry, Is.True);
        Assert.That(EntryLines(chains[2]), Is.EqualTo(new[]
        {
            "PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT",
            "OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT",
        }));
        Assert.That(Lines(chains[3]), Is.EqualTo(new[]
        {
            "-p tcp --dport 8080 -s 10.199.130.2/24 -j CNI-HOSTPORT-SETMARK",
            "-p tcp --dport 8080 -s 127.0.0.1 -j CNI-HOSTPORT-SETMARK",
            "-p tcp --dport 8080 -j DNAT --to-destination 10.199.130.2:80",
        }));
        Assert.That(EntryLines(chains[3]), Is.EqualTo(new[]
        {
            "CNI-HOSTPORT-DNAT -m comment --comment dnat name: \"cbt-pi\" id: \"c1\" -m multiport -p tcp --destination-ports 8080 -j CNI-DN-452be86908522ace8fe0d",
        }));
        Assert.That(chains[3].PrependEntry, Is.False, "Go 1.1.1 appends: the first container on a port wins");
    }

    [Test]
    public void V6HasNoLocalhostRuleAndBracketsTheDestination()
    {
        var dnat = PortmapIptablesRules.Dnat(Plan([Map(8080, 80)]), IpNet.Parse("fd99:0:130::2/64"));
        Assert.That(Lines(dnat), Is.EqualTo(new[]
        {
            "-p tcp --dport 8080 -s fd99:0:130::2/64 -j CNI-HOSTPORT-SETMARK",
            "-p tcp --dport 8080 -j DNAT --to-destination [fd99:0:130::2]:80",
        }));
    }

    [Test]
    public void PortsAreGroupedByProtocolSortedAndSplitAfterFifteen()
    {
        var mappings = Enumerable.Range(0, 17).Select(i => Map((ushort)(9000 + i), 80, "udp"))
            .Prepend(Map(8080, 80, "tcp")).Append(Map(7000, 70, "sctp")).Append(Map(8081, 81, "tcp")).ToList();
        var dnat = PortmapIptablesRules.Dnat(Plan(mappings), IpNet.Parse("10.199.130.2/24"));
        string prefix = "CNI-HOSTPORT-DNAT -m comment --comment dnat name: \"cbt-pi\" id: \"c1\" -m multiport";
        Assert.That(EntryLines(dnat), Is.EqualTo(new[]
        {
            $"{prefix} -p sctp --destination-ports 7000 -j CNI-DN-452be86908522ace8fe0d",
            $"{prefix} -p tcp --destination-ports 8080,8081 -j CNI-DN-452be86908522ace8fe0d",
            $"{prefix} -p udp --destination-ports {string.Join(",", Enumerable.Range(9000, 15))} -j CNI-DN-452be86908522ace8fe0d",
            $"{prefix} -p udp --destination-ports 9015,9016 -j CNI-DN-452be86908522ace8fe0d",
        }));
        Assert.That(dnat.Rules, Has.Count.EqualTo(20 * 3));
    }

    [Test]
    public void HostIpOfTheFamilyIsMatchedOtherFamilySkippedUnspecifiedIgnored()
    {
        var plan = Plan([Map(9090, 90, "tcp", "10.199.130.1"), Map(9091, 91, "tcp", "fd99:0:130::1"), Map(9092, 92, "tcp", "0.0.0.0")], snat: false);
        Assert.That(Lines(PortmapIptablesRules.Dnat(plan, IpNet.Parse("10.199.130.2/24"))), Is.EqualTo(new[]
        {
            "-p tcp --dport 9090 -d 10.199.130.1 -j DNAT --to-destination 10.199.130.2:90",
            "-p tcp --dport 9092 -j DNAT --to-destination 10.199.130.2:92",
        }));
        var v6 = PortmapIptablesRules.Dnat(plan, IpNet.Parse("fd99:0:130::2/64"));
        Assert.That(Lines(v6), Is.EqualTo(new[] { "-p tcp --dport 9091 -d fd99:0:130::1 -j DNAT --to-destination [fd99:0:130::2]:91" }));
        Assert.That(EntryLines(v6).Single(), Does.Contain("--destination-ports 9090,9091,9092"), "entry rules name every mapping, as Go's do");
    }

    [Test]
    public void SnatFalseWritesNeitherMarkChainsNorMarkRules()
    {
        var chains = PortmapIptablesRules.Chains(Plan([Map(8080, 80)], snat: false), IpNet.Parse("10.199.130.2/24"));
        Assert.That(chains.Select(c => c.Name), Is.EqualTo(new[] { "CNI-HOSTPORT-DNAT", "CNI-DN-452be86908522ace8fe0d" }));
        Assert.That(Lines(chains[1]), Is.EqualTo(new[] { "-p tcp --dport 8080 -j DNAT --to-destination 10.199.130.2:80" }));
    }

    [Test]
    public void MasqAllMarksFromAnySourceWithoutTheLocalhostRule()
    {
        var plan = Plan([Map(8080, 80)], masqAll: true);
        Assert.That(Lines(PortmapIptablesRules.Dnat(plan, IpNet.Parse("10.199.130.2/24")))[..2], Is.EqualTo(new[]
        {
            "-p tcp --dport 8080 -s 0.0.0.0/0 -j CNI-HOSTPORT-SETMARK",
            "-p tcp --dport 8080 -j DNAT --to-destination 10.199.130.2:80",
        }));
        Assert.That(Lines(PortmapIptablesRules.Dnat(plan, IpNet.Parse("fd99:0:130::2/64")))[0], Is.EqualTo("-p tcp --dport 8080 -s ::/0 -j CNI-HOSTPORT-SETMARK"));
    }

    [Test]
    public void ExternalSetMarkChainReplacesOursAndCreatesNoMarkChains()
    {
        var chains = PortmapIptablesRules.Chains(Plan([Map(8080, 80)], external: "KUBE-MARK-MASQ"), IpNet.Parse("10.199.130.2/24"));
        Assert.That(chains.Select(c => c.Name), Is.EqualTo(new[] { "CNI-HOSTPORT-DNAT", "CNI-DN-452be86908522ace8fe0d" }));
        Assert.That(Lines(chains[1])[..2], Is.EqualTo(new[]
        {
            "-p tcp --dport 8080 -s 10.199.130.2/24 -j KUBE-MARK-MASQ",
            "-p tcp --dport 8080 -s 127.0.0.1 -j KUBE-MARK-MASQ",
        }));
    }

    [Test]
    public void ConditionsOfTheFamilyFollowThePortsInEntryRules()
    {
        var plan = Plan([Map(8080, 80)], bit: 5, v4: ["!", "-s", "10.199.131.0/24"], v6: ["-m", "addrtype", "!", "--src-type", "LOCAL"]);
        Assert.That(EntryLines(PortmapIptablesRules.Dnat(plan, IpNet.Parse("10.199.130.2/24"))).Single(),
            Does.EndWith("--destination-ports 8080 ! -s 10.199.131.0/24 -j CNI-DN-452be86908522ace8fe0d"));
        Assert.That(EntryLines(PortmapIptablesRules.Dnat(plan, IpNet.Parse("fd99:0:130::2/64"))).Single(),
            Does.EndWith("--destination-ports 8080 -m addrtype ! --src-type LOCAL -j CNI-DN-452be86908522ace8fe0d"));
        Assert.That(Lines(PortmapIptablesRules.SetMark(5))[0], Does.EndWith("--set-xmark 0x20/0x20"));
    }

    [TestCase("-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment \"dnat name: \\\"cbt-pi\\\" id: \\\"c1\\\"\" -m multiport --dports 8080,9090 -j CNI-DN-452be86908522ace8fe0d",
        "cbt-pi", "c1")]
    [TestCase("-A CNI-HOSTPORT-DNAT -p tcp -m tcp --dport 2 -j CBT-FOREIGN", null, null)]
    [TestCase("-A CNI-HOSTPORT-DNAT -m comment --comment \"dnat name: \\\"x\" -j A", null, null)]
    public void EntryOwnerReadsTheCommentAsIptablesSavePrintsIt(string line, string? network, string? containerId) =>
        Assert.That(PortmapIptablesRules.EntryOwner(line), Is.EqualTo((network, containerId)));

    [Test]
    public void AMissingProgramIsCode999NamingItAndTheWayOut()
    {
        var e = Assert.Throws<CniException>(() =>
            IptablesProgram.Require("cbt-no-such-iptables", "portmap \"backend\": \"iptables\"", "install iptables"))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCode.Internal));
        Assert.That(e.Message, Does.StartWith("portmap \"backend\": \"iptables\" needs cbt-no-such-iptables, which was not found in PATH or /usr/sbin")
            .And.EndWith("; install iptables"));
    }
}
