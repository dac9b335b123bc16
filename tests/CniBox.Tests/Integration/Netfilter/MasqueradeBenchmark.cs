using System.Diagnostics;
using System.Text;
using CniBox.Applets.Common.Netfilter;
using CniBox.Netlink.Netfilter;
using CniBox.Spec.Addressing;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Netfilter;

/// <summary>
/// Masquerade setup + teardown for 1 container (median of 20) and for 200 containers in sequence, inside a fresh
/// cbt-nft-* namespace each: ours in-process over netlink versus the Go plugins' process sequences, run from one
/// shell already inside the namespace — iptables as go-iptables issues it (-S, -N, then -C/-A for each of 3 rules;
/// teardown -D twice, -F, -X) and nft as knftables does (list, then one nft -f - per change).
/// Explicit: run with <c>dotnet test --filter Name~MasqueradeBenchmark</c>; prints a table.
/// </summary>
[TestFixture, Category("root"), Explicit("benchmark"), NonParallelizable]
public sealed class MasqueradeBenchmark
{
    [Test]
    public void Masquerade_setup_and_teardown_ours_vs_iptables_and_nft_processes()
    {
        TestNetns.RequireRoot();
        var rows = new List<(string What, double One, double Many)>
        {
            ("cnibox (netlink, in-process)", Median(20, () => Ours(1)), Ours(200)),
            ("iptables (Go iptables backend, 12 execs)", Median(5, () => Shell(IptablesScript(1))), Shell(IptablesScript(200))),
            ("nft processes (Go nftables backend, 4 execs)", Median(5, () => Shell(NftScript(1))), Shell(NftScript(200))),
        };
        var sb = new StringBuilder("| backend | 1 container add+del (ms) | 200 containers add then del (ms) |\n|---|---|---|\n");
        foreach (var r in rows)
            sb.AppendLine($"| {r.What} | {r.One:F2} | {r.Many:F0} |");
        sb.AppendLine($"ratio iptables/cnibox: {rows[1].One / rows[0].One:F0}x (1), {rows[1].Many / rows[0].Many:F0}x (200); " +
            $"nft/cnibox: {rows[2].One / rows[0].One:F0}x (1), {rows[2].Many / rows[0].Many:F0}x (200)");
        TestContext.Out.WriteLine(sb.ToString());
        Assert.That(rows[1].Many / rows[0].Many, Is.GreaterThan(5), "issue 5 target: at least 5x faster than the Go bridge's iptables");
    }

    private static double Ours(int containers)
    {
        using var t = new NftTestNetns();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < containers; i++)
            Masquerade.SetupMasquerade(t.Nft, [new IpNet(Ip(i), 16)], "bench", "eth0", $"c{i}");
        for (int i = 0; i < containers; i++)
            Masquerade.TeardownMasquerade(t.Nft, "bench", "eth0", $"c{i}");
        double ms = sw.Elapsed.TotalMilliseconds;
        Assert.That(t.Nft.ListRules(NftFamily.Inet, Masquerade.Table, Masquerade.Chain), Is.Empty);
        return ms;
    }

    private static string IptablesScript(int containers)
    {
        var sb = new StringBuilder("set -e\n");
        for (int i = 0; i < containers; i++)
        {
            string chain = IptablesMasqueradeNames.ChainName("bench", $"c{i}"), ip = Ip(i).ToString();
            string c = $"-m comment --comment '{IptablesMasqueradeNames.Comment("bench", $"c{i}")}'";
            sb.AppendLine("iptables -w -t nat -S >/dev/null");
            sb.AppendLine($"iptables -w -t nat -N {chain}");
            foreach (string rule in new[] { $"{chain} -d {ip}/16 -j ACCEPT {c}", $"{chain} ! -d 224.0.0.0/4 -j MASQUERADE {c}", $"POSTROUTING -s {ip} -j {chain} {c}" })
                sb.AppendLine($"iptables -w -t nat -C {rule} 2>/dev/null || iptables -w -t nat -A {rule}");
        }
        for (int i = 0; i < containers; i++)
        {
            string chain = IptablesMasqueradeNames.ChainName("bench", $"c{i}"), ip = Ip(i).ToString();
            string c = $"-m comment --comment '{IptablesMasqueradeNames.Comment("bench", $"c{i}")}'";
            sb.AppendLine($"iptables -w -t nat -D POSTROUTING -s {ip} -j {chain} {c}");
            sb.AppendLine($"iptables -w -t nat -D POSTROUTING -s {ip}/16 -j {chain} {c} 2>/dev/null || true");
            sb.AppendLine($"iptables -w -t nat -F {chain}");
            sb.AppendLine($"iptables -w -t nat -X {chain}");
        }
        return sb.ToString();
    }

    private static string NftScript(int containers)
    {
        var sb = new StringBuilder("set -e\n");
        const string T = "inet cni_plugins_masquerade";
        for (int i = 0; i < containers; i++)
        {
            string comment = Masquerade.CommentForInstance("bench", "eth0", $"c{i}");
            sb.AppendLine($"nft -j list chain {T} masq_checks >/dev/null 2>&1 || true");
            sb.AppendLine($"nft -f - <<'EOF'\nadd table {T}\nadd chain {T} masq_checks\nadd chain {T} postrouting {{ type nat hook postrouting priority 100 ; }}\n" +
                $"flush chain {T} postrouting\nadd rule {T} postrouting ip daddr == 224.0.0.0/4 return\nadd rule {T} postrouting ip6 daddr == ff00::/8 return\n" +
                $"add rule {T} postrouting goto masq_checks\nadd rule {T} masq_checks ip saddr == {Ip(i)} ip daddr != 10.199.0.0/16 masquerade comment \"{comment}\"\nEOF");
        }
        for (int i = 0; i < containers; i++)
        {
            sb.AppendLine($"h=$(nft -a list chain {T} masq_checks | grep -F '{Masquerade.HashForInstance("bench", "eth0", $"c{i}")}' | sed 's/.*# handle //')");
            sb.AppendLine($"nft delete rule {T} masq_checks handle $h");
        }
        return sb.ToString();
    }

    private static double Shell(string script)
    {
        using var netns = new TestNetns("nft");
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, script);
            var sw = Stopwatch.StartNew();
            NftTestNetns.Run("ip", ["netns", "exec", netns.Name, "sh", file]);
            return sw.Elapsed.TotalMilliseconds;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static double Median(int runs, Func<double> measure)
    {
        double[] samples = [.. Enumerable.Range(0, runs).Select(_ => measure()).Order()];
        return samples[runs / 2];
    }

    private static IpAddr Ip(int i) => IpAddr.V4(0x0ac70000u | (uint)(i / 250) << 8 | (uint)(i % 250 + 2));
}
