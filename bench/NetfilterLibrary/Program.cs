using System.Diagnostics;
using System.Text;
using CniBox.Applets.Common.Netfilter;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Netfilter;
using CniBox.Spec.Addressing;

// Masquerade setup + teardown for 1 container (median of ONE_RUNS) and for COUNT containers in sequence, each in a
// fresh cbt-nftlib-* namespace: ours in-process over netlink versus the Go plugins' process sequences, run from one
// shell inside the namespace: iptables as go-iptables issues it (-S, -N, then -C/-A per rule; teardown -D twice,
// -F, -X) and nft as knftables does (list, then one nft -f - per change). Usage: NetfilterLibrary [COUNT] [ONE_RUNS]
var count = args.Length > 0 ? int.Parse(args[0]) : 200;
var oneRuns = args.Length > 1 ? int.Parse(args[1]) : 20;
var rows = new List<(string What, double One, double Many)>
{
    ("cnibox (netlink, in-process)", Median(oneRuns, () => Ours(1)), Ours(count)),
    ("iptables (Go iptables backend, 12 execs)", Median(5, () => Shell(IptablesScript(1))), Shell(IptablesScript(count))),
    ("nft processes (Go nftables backend, 4 execs)", Median(5, () => Shell(NftScript(1))), Shell(NftScript(count))),
};
var table = new StringBuilder($"| backend | 1 container add+del (ms) | {count} containers add then del (ms) |\n|---|---|---|\n");
foreach (var r in rows) table.AppendLine($"| {r.What} | {r.One:F2} | {r.Many:F0} |");
table.AppendLine($"ratio iptables/cnibox: {rows[1].One / rows[0].One:F0}x (1), {rows[1].Many / rows[0].Many:F0}x ({count}); " +
    $"nft/cnibox: {rows[2].One / rows[0].One:F0}x (1), {rows[2].Many / rows[0].Many:F0}x ({count})");
Console.Write(table);
return 0;

static double Ours(int containers) => InNetns(name =>
{
    using var ns = NetNsHandle.Open($"/var/run/netns/{name}");
    using var nft = NftHandle.Open(ns);
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < containers; i++)
        Masquerade.SetupMasquerade(nft, [new IpNet(Ip(i), 16)], "bench", "eth0", $"c{i}");
    for (var i = 0; i < containers; i++)
        Masquerade.TeardownMasquerade(nft, "bench", "eth0", $"c{i}");
    var ms = sw.Elapsed.TotalMilliseconds;
    if (nft.ListRules(NftFamily.Inet, Masquerade.Table, Masquerade.Chain).Count != 0)
        throw new InvalidOperationException("teardown left masquerade rules behind");
    return ms;
});

static string IptablesScript(int containers)
{
    var sb = new StringBuilder("set -e\n");
    for (var i = 0; i < containers; i++)
    {
        string chain = IptablesMasqueradeNames.ChainName("bench", $"c{i}"), ip = Ip(i).ToString();
        var c = $"-m comment --comment '{IptablesMasqueradeNames.Comment("bench", $"c{i}")}'";
        sb.AppendLine("iptables -w -t nat -S >/dev/null");
        sb.AppendLine($"iptables -w -t nat -N {chain}");
        foreach (var rule in new[] { $"{chain} -d {ip}/16 -j ACCEPT {c}", $"{chain} ! -d 224.0.0.0/4 -j MASQUERADE {c}", $"POSTROUTING -s {ip} -j {chain} {c}" })
            sb.AppendLine($"iptables -w -t nat -C {rule} 2>/dev/null || iptables -w -t nat -A {rule}");
    }
    for (var i = 0; i < containers; i++)
    {
        string chain = IptablesMasqueradeNames.ChainName("bench", $"c{i}"), ip = Ip(i).ToString();
        var c = $"-m comment --comment '{IptablesMasqueradeNames.Comment("bench", $"c{i}")}'";
        sb.AppendLine($"iptables -w -t nat -D POSTROUTING -s {ip} -j {chain} {c}");
        sb.AppendLine($"iptables -w -t nat -D POSTROUTING -s {ip}/16 -j {chain} {c} 2>/dev/null || true");
        sb.AppendLine($"iptables -w -t nat -F {chain}");
        sb.AppendLine($"iptables -w -t nat -X {chain}");
    }
    return sb.ToString();
}

static string NftScript(int containers)
{
    var sb = new StringBuilder("set -e\n");
    const string T = "inet cni_plugins_masquerade";
    for (var i = 0; i < containers; i++)
    {
        var comment = Masquerade.CommentForInstance("bench", "eth0", $"c{i}");
        sb.AppendLine($"nft -j list chain {T} masq_checks >/dev/null 2>&1 || true");
        sb.AppendLine($"nft -f - <<'EOF'\nadd table {T}\nadd chain {T} masq_checks\nadd chain {T} postrouting {{ type nat hook postrouting priority 100 ; }}\n" +
            $"flush chain {T} postrouting\nadd rule {T} postrouting ip daddr == 224.0.0.0/4 return\nadd rule {T} postrouting ip6 daddr == ff00::/8 return\n" +
            $"add rule {T} postrouting goto masq_checks\nadd rule {T} masq_checks ip saddr == {Ip(i)} ip daddr != 10.199.0.0/16 masquerade comment \"{comment}\"\nEOF");
    }
    for (var i = 0; i < containers; i++)
    {
        sb.AppendLine($"h=$(nft -a list chain {T} masq_checks | grep -F '{Masquerade.HashForInstance("bench", "eth0", $"c{i}")}' | sed 's/.*# handle //')");
        sb.AppendLine($"nft delete rule {T} masq_checks handle $h");
    }
    return sb.ToString();
}

static double Shell(string script) => InNetns(name =>
{
    var file = Path.GetTempFileName();
    try
    {
        File.WriteAllText(file, script);
        var sw = Stopwatch.StartNew();
        Run("ip", "netns", "exec", name, "sh", file);
        return sw.Elapsed.TotalMilliseconds;
    }
    finally
    {
        File.Delete(file);
    }
});

static double InNetns(Func<string, double> measure)
{
    var name = $"cbt-nftlib-{Environment.ProcessId}-{Random.Shared.Next(1 << 20):x}";
    Run("ip", "netns", "add", name);
    try
    {
        return measure(name);
    }
    finally
    {
        Run("ip", "netns", "del", name);
    }
}

static void Run(string file, params string[] args)
{
    using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
    var stderr = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {stderr.Trim()}");
}

static double Median(int runs, Func<double> measure)
{
    double[] samples = [.. Enumerable.Range(0, runs).Select(_ => measure()).Order()];
    return samples[runs / 2];
}

static IpAddr Ip(int i) => IpAddr.V4(0x0ac70000u | (uint)(i / 250) << 8 | (uint)(i % 250 + 2));
