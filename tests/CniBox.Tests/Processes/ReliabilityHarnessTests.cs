using System.Text.Json.Nodes;
using CniBox.Tests.Support;

namespace CniBox.Tests.Processes;

/// <summary>
/// Short runs of bench/reliability/harness.py (issue 19), which drives the podman chain (bridge ipMasq, portmap,
/// firewall, tuning) and the CRI chain (+ bandwidth) through <c>cnibox cnitool</c> in a node netns cbt-rk-t*, and
/// compares the node's links, addresses, routes, nft and iptables rules, conntrack and state files with a baseline.
/// The script's own defaults are the full runs (1,000 kills per chain, 50 wide concurrency, ten rounds).
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public class ReliabilityHarnessTests
{
    private static readonly string Script = Path.Combine(Binaries.RepoRoot, "bench", "reliability", "harness.py");

    private static JsonNode Run(params string[] args)
    {
        TestNetns.RequireRoot();
        Binaries.RequirePublished();
        var result = PluginProcess.Run("python3", new Dictionary<string, string> { ["CNIBOX_BIN"] = Binaries.Cnibox, ["RK_TAG"] = "t" },
            args: [Script, .. args]);
        TestContext.Out.WriteLine(result.Stdout + result.Stderr);
        var summary = JsonNode.Parse(result.Stdout.TrimEnd().Split('\n')[^1])!;
        Assert.That(result.ExitCode, Is.Zero, $"harness {string.Join(' ', args)} found a problem:\n{result.Stdout}{result.Stderr}");
        return summary;
    }

    [Test]
    public void KillingAPluginMidAddOrDelLeavesNothingAfterTheRuntimesDelAndGc()
    {
        // Kills within 20 ms land inside a chain call on an idle machine too (an ADD of the chain takes ~40 ms).
        var summary = Run("kill", "--trials", "10", "--max-delay", "0.02");
        foreach (var chain in new[] { "podman", "cri" })
        {
            Assert.That((int)summary[chain]!["trials"]!, Is.EqualTo(10));
            Assert.That((int)summary[chain]!["leaks"]!, Is.Zero);
            Assert.That((int)summary[chain]!["killed"]!, Is.GreaterThan(0), "some trials must really kill a plugin");
        }
    }

    [Test]
    public void TenConcurrentAddsAndDelsOfTheFullChainGetUniqueIpsAndExactlyTheirRules()
    {
        var summary = Run("concurrency", "--chain", "cri", "--rounds", "2", "--width", "10");
        Assert.That((int)summary["cri"]!["failures"]!, Is.Zero);
        Assert.That((int)summary["cri"]!["duplicateIps"]!, Is.Zero);
        Assert.That((int)summary["cri"]!["ruleMismatches"]!, Is.Zero);
        Assert.That((int)summary["cri"]!["rulesPerContainer"]!, Is.GreaterThan(0));
    }

    [Test]
    public void GcAfterLostDelsAndAfterARebootFreesTheGoneContainersAndKeepsTheLiveOnes()
    {
        var summary = Run("stale");
        foreach (var chain in new[] { "podman", "cri" })
        {
            var s = summary[chain]!;
            Assert.That((int)s["ipFilesBefore"]!, Is.EqualTo(6));
            Assert.That((int)s["ipFilesAfterValidGc"]!, Is.EqualTo(3), "the three live containers keep their IPs");
            Assert.That((int)s["goneFilesAfterValidGc"]!, Is.Zero);
            Assert.That(s["liveChecks"]!.AsArray().Select(c => (int)c!), Is.All.Zero, "CHECK of each live container");
            Assert.That((int)s["leaksAfterRebootGc"]!, Is.Zero, s["leakDetail"]!.ToJsonString());
        }
    }
}
