using System.Text.Json;
using CniBox.Tests.Integration.Applets.Firewall;
using CniBox.Tests.Support;

namespace CniBox.Tests.Differential;

/// <summary>
/// Debian's Go firewall 1.1.1 (iptables backend) and ours, each on a node of its own (<see cref="FirewallTrafficNode"/>:
/// FORWARD policy DROP, our bridge cbtft2) with the same two containers: after ADD the nodes' <c>iptables-save</c>,
/// <c>ip6tables-save</c> (counters masked) and nf_tables ruleset are the same and so are the results; CHECK after an
/// accept was deleted fails with Go's code and message; then each
/// implementation CHECKs and DELs a container on the other's node: the rules pass its CHECK, its DEL removes exactly
/// that container's rules, and the two nodes still hold the same rules. One known difference: Go 1.1.1 comments its
/// ingressPolicy rules as before upstream had <c>isolated</c> (<see cref="KnownDifferences.UpstreamIsolationComments"/>),
/// so our CHECK, which wants 1.9.1's rules, fails on a node whose isolation chains 1.1.1 wrote.
/// </summary>
[Category("root"), Category("differential"), NonParallelizable]
public sealed class FirewallDifferentialTests
{
    private const string V4 = "10.199.176.0/24", V6 = "fd99:176::/64";
    private const string IsolationSharedComment = "CNI firewall plugin rules (ingressPolicy: same-bridge|isolated)";

    private static readonly (string Name, string Subnets, string Keys)[] Configs =
    [
        ("Ipv4", V4, ""),
        ("Ipv6", V6, ""),
        ("DualStack", $"{V4} {V6}", ""),
        ("CustomAdminChain", $"{V4} {V6}", ",\"iptablesAdminChainName\":\"CBT-FT-ADMIN\""),
        ("SameBridge", $"{V4} {V6}", ",\"ingressPolicy\":\"same-bridge\""),
    ];

    public static IEnumerable<TestCaseData> AddCases() =>
        Configs.Select(c => new TestCaseData(c.Subnets, c.Keys).SetName($"AddWritesWhatGoWrites({c.Name})"));

    public static IEnumerable<TestCaseData> CheckCases() =>
        Configs.Select(c => new TestCaseData(c.Subnets, c.Keys).SetName($"CheckFailsAsGosWhenAnAcceptIsGone({c.Name})"));

    public static IEnumerable<TestCaseData> CrossCases() =>
        Configs.Select(c => new TestCaseData(c.Subnets, c.Keys).SetName($"EachChecksAndDeletesTheOthersRules({c.Name})"));

    /// <summary>One implementation's node after ADD of c1 and c2 by that implementation.</summary>
    private sealed record Side(FirewallPlugin Plugin, FirewallTrafficNode Node, FirewallContainer C1, FirewallContainer C2, List<string> Results);

    private static Side Added(string label, string subnets, string keys)
    {
        var plugin = FirewallPlugin.Of(label);
        var node = new FirewallTrafficNode();
        try
        {
            var net = new FirewallNetwork("d", "bridge", "cbtft2", subnets);
            var c1 = node.Attach("c1", net);
            var c2 = node.Attach("c2", net);
            var results = new[] { c1, c2 }.Select(c => Masked(node.Firewall(plugin, "ADD", c, keys), c)).ToList();
            return new Side(plugin, node, c1, c2, results);
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    /// <summary>Go's node and ours after each ADDed c1 and c2; both gone afterwards, also on failure.</summary>
    private static void OnBothNodes(string subnets, string keys, Action<Side, Side> test)
    {
        var go = Added("go", subnets, keys);
        try
        {
            var ours = Added("ours", subnets, keys);
            try
            {
                test(go, ours);
            }
            finally
            {
                ours.Node.Dispose();
            }
        }
        finally
        {
            go.Node.Dispose();
        }
    }

    /// <summary>A result as comparable text: the sandbox path, veth names and MACs masked, keys sorted; an error as code and message.</summary>
    private static string Masked(ProcessResult result, FirewallContainer c)
    {
        if (result.ExitCode != 0 && result.Stdout.TrimStart().StartsWith('{'))
        {
            // An error by code and message: Go 1.1.1's cni library prints no cniVersion in it, current ones do.
            using var error = JsonDocument.Parse(result.Stdout);
            return $"exit {result.ExitCode} code {error.RootElement.GetProperty("code").GetInt32()}: {error.RootElement.GetProperty("msg").GetString()}";
        }
        if (result.ExitCode != 0 || result.Stdout.Trim() == "") return $"exit {result.ExitCode} {result.Stdout.Trim()}".TrimEnd();
        return CniJson.Canonical(NetnsSnapshot.MaskMacs(NetnsSnapshot.MaskNames(result.Stdout.Replace(c.Ns.Path, "NETNS")), []));
    }

    /// <summary>Both families' <c>iptables-save</c>, Go 1.1.1's isolation comments as upstream 1.9.1 writes them.</summary>
    private static string Rules(FirewallTrafficNode n) => KnownDifferences.UpstreamIsolationComments($"{n.Save(v6: false)}\n---\n{n.Save(v6: true)}");

    [TestCaseSource(nameof(AddCases))]
    public void AddWritesWhatGoWrites(string subnets, string keys) => OnBothNodes(subnets, keys, (go, ours) =>
    {
        Assert.Multiple(() =>
        {
            Assert.That(ours.Results, Is.EqualTo(go.Results), "ADD results of c1 and c2");
            Assert.That(ours.Node.Save(v6: false), Is.EqualTo(Upstream(go.Node.Save(v6: false))), "iptables-save");
            Assert.That(ours.Node.Save(v6: true), Is.EqualTo(Upstream(go.Node.Save(v6: true))), "ip6tables-save");
            Assert.That(ours.Node.NftRuleset(), Is.EqualTo(Upstream(go.Node.NftRuleset())), "nft list ruleset (iptables-nft's encoding)");
        });
        foreach (var v6 in Families(subnets))
            Assert.That(go.Node.Save(v6), Does.Contain($"-s {go.C1.Address(v6)}/{(v6 ? 128 : 32)} -j ACCEPT"), "the comparison saw Go's rules");
    });

    /// <summary>CHECK after someone deleted c1's accept from it: the same error from both, on each one's own node.</summary>
    [TestCaseSource(nameof(CheckCases))]
    public void CheckFailsAsGosWhenAnAcceptIsGone(string subnets, string keys) => OnBothNodes(subnets, keys, (go, ours) =>
    {
        var v6 = Families(subnets).Last();
        var checks = new[] { go, ours }.Select(side =>
        {
            NsTraffic.Exec(side.Node.Node, v6 ? "ip6tables" : "iptables", "-D", "CNI-FORWARD", "-s", $"{side.C1.Address(v6)}/{(v6 ? 128 : 32)}", "-j", "ACCEPT");
            return Masked(side.Node.Firewall(side.Plugin, "CHECK", side.C1, keys), side.C1);
        }).ToList();
        Assert.That(checks[1], Is.EqualTo(checks[0]), "CHECK of c1");
        Assert.That(checks[0], Does.StartWith("exit 1 "), "Go's CHECK saw the missing accept");
    });

    [TestCaseSource(nameof(CrossCases))]
    public void EachChecksAndDeletesTheOthersRules(string subnets, string keys) => OnBothNodes(subnets, keys, (go, ours) =>
    {
        Assert.Multiple(() =>
        {
            var ourCheck = go.Node.Firewall(ours.Plugin, "CHECK", go.C1, keys);
            if (keys.Contains("ingressPolicy"))
                Assert.That(CniAssert.Error(ourCheck, 999), Does.Contain($"[-j CNI-ISOLATION-STAGE-1 -m comment --comment {IsolationSharedComment}] not found"),
                    "our CHECK wants upstream 1.9.1's jump to STAGE-1, which Go 1.1.1 comments otherwise");
            else
                Assert.That(ourCheck.ExitCode, Is.EqualTo(0), "our CHECK of Go's rules: " + ourCheck.Stdout);
            Assert.That(ours.Node.Firewall(go.Plugin, "CHECK", ours.C1, keys).ExitCode, Is.EqualTo(0), "Go's CHECK of our rules");
        });
        Assert.That(Rules(go.Node), Does.Contain(go.C1.Address(Families(subnets).First()) + "/"), "c1's rules before the DELs");
        for (var i = 0; i < 2; i++)
        {
            CniAssert.SilentSuccess(go.Node.Firewall(ours.Plugin, "DEL", go.C1, keys));
            CniAssert.SilentSuccess(ours.Node.Firewall(go.Plugin, "DEL", ours.C1, keys));
        }
        Assert.Multiple(() =>
        {
            Assert.That(Rules(ours.Node), Is.EqualTo(Rules(go.Node)), "after each DELeted c1 on the other's node");
            foreach (var v6 in Families(subnets))
                foreach (var side in new[] { go, ours })
                {
                    var save = side.Node.Save(v6);
                    Assert.That(save, Does.Not.Contain(side.C1.Address(v6) + "/"), $"c1's rules on {side.Plugin}'s node");
                    Assert.That(save.Split('\n').Count(l => l.Contains(side.C2.Address(v6) + "/")), Is.EqualTo(2), $"c2's rules on {side.Plugin}'s node");
                }
        });
    });

    private static string Upstream(string goRules) => KnownDifferences.UpstreamIsolationComments(goRules);

    private static IEnumerable<bool> Families(string subnets) => subnets.Split(' ').Select(s => s.Contains(':')).Distinct();
}
