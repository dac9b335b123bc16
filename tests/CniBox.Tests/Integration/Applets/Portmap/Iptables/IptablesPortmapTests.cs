using CniBox.Applets.Portmap;
using CniBox.Applets.Portmap.Iptables;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Portmap.Iptables;

/// <summary>
/// The iptables backend in-process inside a node namespace, against Debian's Go portmap 1.1.1 run in a second node
/// with the equivalent config: the nat tables of both families must be the same line for line; then interop both
/// ways (Go's ADD removed by our RemoveGoLayout, ours by Go's DEL), foreign rules kept, DEL twice, CHECK and GC.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class IptablesPortmapTests
{
    private const string Network = "cbt-pi";
    private static readonly IpNet V4 = IpNet.Parse("10.199.130.2/24");
    private static readonly IpNet V6 = IpNet.Parse("fd99:0:130::2/64");
    private readonly List<PortmapNode> _nodes = [];

    [SetUp]
    public void Require()
    {
        TestNetns.RequireRoot();
        PortmapNode.RequireTools();
    }

    [TearDown]
    public void Destroy()
    {
        foreach (var node in _nodes) node.Dispose();
        _nodes.Clear();
    }

    private PortmapNode Node(string tag)
    {
        var node = new PortmapNode(tag);
        _nodes.Add(node);
        return node;
    }

    private static PortMapping Map(ushort host, ushort container, string proto = "tcp", string? hostIp = null) =>
        new(host, container, proto, hostIp is null ? null : IpAddr.Parse(hostIp));

    private static PortmapPlan Plan(IReadOnlyList<PortMapping> mappings, string cid = "c1", IpNet? v4 = null, IpNet? v6 = null,
        bool snat = true, bool masqAll = false, int bit = 13, string? external = null,
        IReadOnlyList<string>? conditionsV4 = null, IReadOnlyList<string>? conditionsV6 = null) =>
        new(Network, cid, v4, v6, mappings, snat, masqAll, bit, external, conditionsV4, conditionsV6);

    private static void Ours(PortmapNode node, Action<IptablesPortmap> work) => node.Ours(() => work(new IptablesPortmap(Network)));

    private static readonly PortMapping[] Several =
        [Map(8080, 80), Map(8081, 81, "udp"), Map(9090, 90, "tcp", "10.199.130.1"), Map(9091, 91, "tcp", "fd99:0:130::1"), Map(7000, 70, "sctp")];

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(Plan([Map(8080, 80)], v4: V4)).SetName("OneMappingV4");
        yield return new TestCaseData(Plan([Map(8080, 80)], v6: V6)).SetName("OneMappingV6");
        yield return new TestCaseData(Plan(Several, v4: V4, v6: V6)).SetName("SeveralMappingsDualStackWithHostIps");
        yield return new TestCaseData(Plan([.. Enumerable.Range(0, 18).Select(i => Map((ushort)(9000 + i), 80, "udp"))], v4: V4, v6: V6))
            .SetName("EighteenUdpPortsSplitInMultiportGroups");
        yield return new TestCaseData(Plan(Several, v4: V4, v6: V6, snat: false)).SetName("SnatFalse");
        yield return new TestCaseData(Plan(Several, v4: V4, v6: V6, bit: 5)).SetName("MarkMasqBit5");
        yield return new TestCaseData(Plan([Map(8080, 80)], v4: V4, v6: V6,
            conditionsV4: ["!", "-s", "10.199.131.0/24"], conditionsV6: ["-m", "addrtype", "!", "--src-type", "LOCAL"])).SetName("Conditions");
        yield return new TestCaseData(Plan(Several, v4: V4, v6: V6, external: "CBT-MARK-MASQ")).SetName("ExternalSetMarkChain");
    }

    [TestCaseSource(nameof(Cases))]
    public void OurAddWritesWhatGoWrites(PortmapPlan plan)
    {
        var go = Node("g");
        var ours = Node("o");
        if (plan.ExternalSetMarkChain is { } external)
            foreach (var node in new[] { go, ours })
                foreach (string tool in new[] { "iptables", "ip6tables" })
                    node.Exec(tool, "-t", "nat", "-N", external);

        CniAssert.Success(go.Go("ADD", plan));
        var second = plan with { ContainerId = "c2", Mappings = [Map(6000, 60)] };
        CniAssert.Success(go.Go("ADD", second));
        Ours(ours, b =>
        {
            b.Add(plan);
            b.Add(second);
        });

        Assert.That(ours.Save(), Is.EqualTo(go.Save()));
        Assert.That(ours.Save(), Does.Contain("-j " + PortmapIptablesRules.DnatChainName(Network, "c1")));
    }

    /// <summary>
    /// Debian's 1.1.1 predates masqAll (upstream 1.9 has it): its output with masqAll ignored becomes ours once the
    /// hairpin marks match any source (iptables-save prints no <c>-s 0.0.0.0/0</c>) and the localhost marks go.
    /// </summary>
    [Test]
    public void MasqAllMarksEverySourceAsUpstreamDoes()
    {
        var go = Node("g");
        var ours = Node("o");
        var plan = Plan(Several, v4: V4, v6: V6, masqAll: true);
        CniAssert.Success(go.Go("ADD", plan));
        Ours(ours, b => b.Add(plan));
        var expected = go.Save().Split('\n').Where(l => !l.Contains("-s 127.0.0.1/32 "))
            .Select(l => l.Replace("-s 10.199.130.0/24 ", "").Replace("-s fd99:0:130::/64 ", ""));
        Assert.That(ours.Save().Split('\n'), Is.EqualTo(expected));
        Assert.That(ours.Save(), Does.Contain("--dport 8080 -j CNI-HOSTPORT-SETMARK"));
    }

    [Test]
    public void AddTwiceChangesNothing()
    {
        var node = Node("t");
        var plan = Plan(Several, v4: V4, v6: V6);
        Ours(node, b => b.Add(plan));
        string once = node.Save();
        Ours(node, b => b.Add(plan));
        Assert.That(node.Save(), Is.EqualTo(once));
    }

    [Test]
    public void V4OnlyContainerLeavesIp6tablesAlone()
    {
        var node = Node("v");
        Ours(node, b => b.Add(Plan([Map(8080, 80)], v4: V4)));
        Assert.That(node.Exec("nft", "list", "tables"), Does.Contain("table ip nat").And.Not.Contain("ip6"));
    }

    [Test]
    public void RemoveGoLayoutRemovesGoRulesOfThatContainerOnlyAndKeepsForeignOnes()
    {
        var node = Node("r");
        var plan = Plan(Several, v4: V4, v6: V6);
        CniAssert.Success(node.Go("ADD", plan));
        CniAssert.Success(node.Go("ADD", plan with { ContainerId = "c2", ContainerV4 = IpNet.Parse("10.199.130.3/24") }));
        foreach (string tool in new[] { "iptables", "ip6tables" })
        {
            node.Exec(tool, "-t", "nat", "-N", "CBT-FOREIGN");
            node.Exec(tool, "-t", "nat", "-A", "CBT-FOREIGN", "-p", "tcp", "--dport", "1", "-j", "ACCEPT");
            node.Exec(tool, "-t", "nat", "-A", "CNI-HOSTPORT-DNAT", "-p", "tcp", "--dport", "2", "-j", "CBT-FOREIGN");
            node.Exec(tool, "-t", "nat", "-A", "PREROUTING", "-j", "CBT-FOREIGN");
        }
        string chain = PortmapIptablesRules.DnatChainName(Network, "c1");
        var expected = node.Save().Split('\n').Where(l => !l.Contains(chain)).ToList();
        Assert.That(expected, Has.Count.LessThan(node.Save().Split('\n').Length - 10));

        node.Ours(() => IptablesPortmap.RemoveGoLayout(Network, "c1"));
        Assert.That(node.Save().Split('\n'), Is.EqualTo(expected));
        node.Ours(() => IptablesPortmap.RemoveGoLayout(Network, "c1"));
        Assert.That(node.Save().Split('\n'), Is.EqualTo(expected), "DEL twice");
        Assert.That(node.Save(), Does.Contain("-j " + PortmapIptablesRules.DnatChainName(Network, "c2")));
    }

    [Test]
    public void RemoveGoLayoutAlsoRemovesTheLegacySnatChain()
    {
        var node = Node("s");
        string sn = PortmapIptablesRules.OldSnatChainName(Network, "c1");
        node.Exec("iptables", "-t", "nat", "-N", "CNI-HOSTPORT-SNAT");
        node.Exec("iptables", "-t", "nat", "-N", sn);
        node.Exec("iptables", "-t", "nat", "-A", sn, "-s", "127.0.0.1", "-j", "MASQUERADE");
        node.Exec("iptables", "-t", "nat", "-A", "CNI-HOSTPORT-SNAT", "-s", "127.0.0.1", "-j", sn);
        node.Exec("iptables", "-t", "nat", "-A", "CNI-HOSTPORT-SNAT", "-s", "127.0.0.2", "-j", "ACCEPT");
        node.Ours(() => IptablesPortmap.RemoveGoLayout(Network, "c1"));
        Assert.That(node.Save(), Does.Not.Contain(sn).And.Contain("-A CNI-HOSTPORT-SNAT -s 127.0.0.2/32 -j ACCEPT"));
    }

    [Test]
    public void RemoveGoLayoutOnAnEmptyNodeCreatesNothingNorDoesAnAddWithoutMappings()
    {
        var node = Node("e");
        node.Ours(() => IptablesPortmap.RemoveGoLayout(Network, "c1"));
        Ours(node, b => b.Add(Plan([], v4: V4, v6: V6)));
        Assert.That(node.Exec("nft", "list", "ruleset"), Is.Empty);
    }

    [Test]
    public void GoDelRemovesWhatOurAddWrote()
    {
        var node = Node("d");
        var plan = Plan(Several, v4: V4, v6: V6);
        CniAssert.Success(node.Go("ADD", plan with { ContainerId = "c2" }));
        string before = node.Save();
        Ours(node, b => b.Add(plan));
        Assert.That(node.Save(), Is.Not.EqualTo(before));
        CniAssert.SilentSuccess(node.Go("DEL", plan));
        Assert.That(node.Save(), Is.EqualTo(before));
    }

    [Test]
    public void RulesHeldByIptablesLegacyAreRemovedWithoutTouchingNft()
    {
        var node = Node("l");
        var legacy = Directory.CreateTempSubdirectory("cbt-pi-legacy-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(legacy, "iptables"), "/usr/sbin/iptables-legacy");
            File.CreateSymbolicLink(Path.Combine(legacy, "ip6tables"), "/usr/sbin/ip6tables-legacy");
            var plan = Plan(Several, v4: V4, v6: V6);
            CniAssert.Success(node.Go("ADD", plan, pathFirst: legacy));
            CniAssert.Success(node.Go("ADD", plan with { ContainerId = "c2" }, pathFirst: legacy));
            string chain = PortmapIptablesRules.DnatChainName(Network, "c1");
            var expected = node.Save(legacy: true).Split('\n').Where(l => !l.Contains(chain)).ToList();
            Assert.That(node.Save(legacy: true), Does.Contain(chain));

            node.Ours(() => IptablesPortmap.RemoveGoLayout(Network, "c1"));
            Assert.That(node.Save(legacy: true).Split('\n'), Is.EqualTo(expected));
            Assert.That(node.Exec("nft", "list", "ruleset"), Is.Empty, "no nf_tables table was created");
        }
        finally
        {
            Directory.Delete(legacy, true);
        }
    }

    [Test]
    public void CheckPassesOnOurRulesAndGoRulesAndFailsWhenOneIsMissing()
    {
        var node = Node("c");
        var plan = Plan(Several, v4: V4, v6: V6);
        Ours(node, b => b.Add(plan));
        Ours(node, b => b.Check(plan));
        // Go 1.1.1's CHECK looks for each family's rules in iptables and in ip6tables, so with ip6tables usable it
        // fails even on its own ADD; it fails alike on ours, and ours passes on Go's.
        var v4Only = Plan(Several, cid: "c4", v4: V4);
        var goNode = Node("c4");
        CniAssert.Success(goNode.Go("ADD", v4Only));
        Ours(goNode, b => b.Check(v4Only));
        var oursNode = Node("c5");
        Ours(oursNode, b => b.Add(v4Only));
        string goOnGo = CniAssert.Error(goNode.Go("CHECK", v4Only), 999);
        Assert.That(goOnGo, Does.StartWith("could not check ipv6 dnat: chain CNI-DN-"));
        Assert.That(CniAssert.Error(oursNode.Go("CHECK", v4Only), 999), Is.EqualTo(goOnGo));
        CniAssert.Success(node.Go("ADD", plan with { ContainerId = "c2" }));
        Ours(node, b => b.Check(plan with { ContainerId = "c2" }));

        node.Exec("ip6tables", "-t", "nat", "-D", PortmapIptablesRules.DnatChainName(Network, "c1"),
            "-p", "tcp", "--dport", "8080", "-j", "DNAT", "--to-destination", "[fd99:0:130::2]:80");
        var e = Assert.Throws<CniException>(() => Ours(node, b => b.Check(plan)))!;
        Assert.That(e.Message, Does.StartWith("could not check ipv6 dnat: rule [[-p tcp --dport 8080"));
        var gone = Assert.Throws<CniException>(() => Ours(node, b => b.Check(plan with { ContainerId = "c9" })))!;
        Assert.That(gone.Message, Is.EqualTo($"could not check ipv4 dnat: chain {PortmapIptablesRules.DnatChainName(Network, "c9")} not found in iptables table nat"));
    }

    [Test]
    public void GcRemovesOnlyThisNetworksContainersThatAreNotValid()
    {
        var node = Node("gc");
        var plan = Plan([Map(8080, 80)], v4: V4, v6: V6);
        Ours(node, b =>
        {
            b.Add(plan);
            b.Add(plan with { ContainerId = "c2" });
        });
        node.Ours(() => new IptablesPortmap("cbt-pi-other").Add(plan with { Network = "cbt-pi-other", ContainerId = "c3" }));

        Ours(node, b => b.Gc(new HashSet<string> { "c2" }));
        string save = node.Save();
        Assert.That(save, Does.Not.Contain(PortmapIptablesRules.DnatChainName(Network, "c1")));
        Assert.That(save, Does.Contain(PortmapIptablesRules.DnatChainName(Network, "c2")));
        Assert.That(save, Does.Contain(PortmapIptablesRules.DnatChainName("cbt-pi-other", "c3")), "another network's container stays");
    }
}
