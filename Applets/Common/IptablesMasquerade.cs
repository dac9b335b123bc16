using System.Text;
using CniBox.Applets.Common.Netfilter;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Invoke;

namespace CniBox.Applets.Common;

/// <summary>
/// <c>ipMasqBackend: "iptables"</c>: the Go plugins' iptables layout made by running <c>iptables</c>/<c>ip6tables</c>
/// as go-iptables does (<c>-N</c>, then <c>-C</c> or <c>-A</c> per rule), so Go's DEL can remove it. Also the legacy
/// half of teardown: rules that iptables-legacy holds can only be removed by running it.
/// </summary>
public static class IptablesMasquerade
{
    private static readonly string[] SearchPath = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>Per address: chain <c>CNI-…</c> with ACCEPT to the subnet and MASQUERADE to non-multicast, fed from POSTROUTING.</summary>
    public static void Setup(IReadOnlyList<IpNet> addresses, string network, string containerId)
    {
        string chain = IptablesMasqueradeNames.ChainName(network, containerId);
        string comment = IptablesMasqueradeNames.Comment(network, containerId);
        foreach (var address in addresses)
        {
            bool v6 = !address.Address.IsV4;
            string tool = Locate(v6 ? "ip6tables" : "iptables")
                ?? throw new CniException(ErrorCode.Internal,
                    $"ipMasqBackend \"iptables\" needs {(v6 ? "ip6tables" : "iptables")}, which was not found in PATH or {string.Join(", ", SearchPath)}; " +
                    "install iptables, or use \"ipMasqBackend\": \"nftables\" (no external program)");
            string subnet = address.ToPrefix().ToString();
            if (!Run(tool, ["-t", "nat", "-S", chain]).Ok)
                Require(tool, ["-t", "nat", "-N", chain]);
            AppendUnique(tool, chain, ["-d", subnet, "-j", "ACCEPT", "-m", "comment", "--comment", comment]);
            AppendUnique(tool, chain, ["!", "-d", IptablesMasqueradeNames.MulticastNetwork(v6), "-j", "MASQUERADE", "-m", "comment", "--comment", comment]);
            AppendUnique(tool, "POSTROUTING", ["-s", address.Address.ToString(), "-j", chain, "-m", "comment", "--comment", comment]);
        }
    }

    /// <summary>
    /// Removes the layout from iptables-legacy when this namespace has a legacy <c>nat</c> table (the kernel creates it
    /// only when something used it, so most hosts skip this without running anything). iptables-nft rules are removed
    /// over netlink instead (<see cref="IptablesNftMasquerade"/>).
    /// </summary>
    public static void TeardownLegacy(string network, string containerId)
    {
        string chain = IptablesMasqueradeNames.ChainName(network, containerId);
        foreach (var (names, program) in new[] { ("/proc/net/ip_tables_names", "iptables-legacy"), ("/proc/net/ip6_tables_names", "ip6tables-legacy") })
        {
            if (!HasLegacyNat(names) || Locate(program) is not { } tool || !Run(tool, ["-t", "nat", "-S", chain]).Ok)
                continue;
            var listing = Run(tool, ["-t", "nat", "-L", "POSTROUTING", "-n", "--line-numbers"]);
            var jumps = listing.Stdout.Split('\n')
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length > 1 && f[1] == chain && int.TryParse(f[0], out _))
                .Select(f => int.Parse(f[0])).OrderDescending();
            foreach (int number in jumps)
                Require(tool, ["-t", "nat", "-D", "POSTROUTING", number.ToString()]);
            Require(tool, ["-t", "nat", "-F", chain]);
            Require(tool, ["-t", "nat", "-X", chain]);
        }
    }

    private static bool HasLegacyNat(string namesFile)
    {
        try
        {
            return File.ReadAllLines(namesFile).Contains("nat");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void AppendUnique(string tool, string chain, string[] rule)
    {
        if (!Run(tool, ["-t", "nat", "-C", chain, .. rule]).Ok)
            Require(tool, ["-t", "nat", "-A", chain, .. rule]);
    }

    private static void Require(string tool, string[] arguments)
    {
        var r = Run(tool, arguments);
        if (!r.Ok)
            throw new CniException(ErrorCode.Internal,
                $"{Path.GetFileName(tool)} {string.Join(' ', arguments)} failed (exit {r.ExitCode}): {r.Stderr.Trim()}");
    }

    private static (bool Ok, int ExitCode, string Stdout, string Stderr) Run(string tool, string[] arguments)
    {
        var r = ChildProcess.Run(tool, new Dictionary<string, string>(), [], ["--wait", .. arguments]);
        return (r.ExitCode == 0, r.ExitCode, Encoding.UTF8.GetString(r.Stdout), Encoding.UTF8.GetString(r.Stderr));
    }

    /// <summary>The program in PATH, else in the usual sbin directories (runtimes often pass a short PATH).</summary>
    private static string? Locate(string program)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(SearchPath);
        return dirs.Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
    }
}
