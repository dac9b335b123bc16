using System.Text;
using CniBox.Spec;
using CniBox.Spec.Invoke;

namespace CniBox.Applets.Common;

/// <summary>What one iptables run printed and how it ended.</summary>
public readonly record struct IptablesOutcome(bool Ok, int ExitCode, string Stdout, string Stderr);

/// <summary>
/// One iptables program (<c>iptables</c>, <c>ip6tables</c>, <c>iptables-legacy</c>, ...) run as go-iptables runs it:
/// <c>--wait</c> first, then the arguments. Behind <see cref="Iptables.IptablesProcess"/> (iptables-legacy hosts, and
/// rules beyond the netlink encoding) and the legacy half of teardown here.
/// </summary>
public sealed class IptablesProgram
{
    public const string Nat = "nat";
    private static readonly string[] SearchPath = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    private IptablesProgram(string path) => Path = path;

    public string Path { get; }

    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The program in PATH, else in the usual sbin directories (runtimes often pass a short PATH); null when absent.</summary>
    public static IptablesProgram? Find(string program)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(SearchPath);
        return dirs.Select(d => System.IO.Path.Combine(d, program)).FirstOrDefault(File.Exists) is { } path ? new IptablesProgram(path) : null;
    }

    /// <summary><see cref="Find"/>, or code 999 naming the missing program, where it was looked for, and <paramref name="remedy"/>.</summary>
    public static IptablesProgram Require(string program, string purpose, string remedy) =>
        Find(program) ?? throw new CniException(ErrorCode.Internal,
            $"{purpose} needs {program}, which was not found in PATH or {string.Join(", ", SearchPath)}; {remedy}");

    /// <summary>
    /// True when this thread's network namespace has an iptables-legacy nat table of the family (the kernel creates it
    /// only when something used it, so most hosts need no legacy program at all).
    /// </summary>
    public static bool HasLegacyNat(bool ipv6) => Iptables.IptablesHost.LegacyTables(ipv6).Contains(Nat);

    public IptablesOutcome Try(params string[] arguments)
    {
        var r = ChildProcess.Run(Path, new Dictionary<string, string>(), [], ["--wait", .. arguments]);
        return new IptablesOutcome(r.ExitCode == 0, r.ExitCode, Encoding.UTF8.GetString(r.Stdout), Encoding.UTF8.GetString(r.Stderr));
    }

    /// <summary>Runs and returns stdout; a failure is code 999 with the command line and iptables' own words.</summary>
    public string Run(params string[] arguments)
    {
        var r = Try(arguments);
        if (!r.Ok)
            throw new CniException(ErrorCode.Internal,
                $"{Name} {string.Join(' ', arguments)} failed (exit {r.ExitCode}): {r.Stderr.Trim()}");
        return r.Stdout;
    }

    public bool NatChainExists(string chain) => Try("-t", Nat, "-S", chain).Ok;

    /// <summary>
    /// Removes <paramref name="chain"/> if it exists: first the rules of <paramref name="from"/> that jump to it (by line
    /// number, last first), then its own rules, then the chain.
    /// </summary>
    public void RemoveNatChain(string chain, string from)
    {
        if (!NatChainExists(chain))
            return;
        var listing = Try("-t", Nat, "-L", from, "-n", "--line-numbers");
        var jumps = new List<int>();
        foreach (var line in listing.Stdout.Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 1 && f[1] == chain && int.TryParse(f[0], out var number)) jumps.Add(number);
        }
        // Last first: deleting a rule renumbers the ones after it.
        jumps.Sort();
        jumps.Reverse();
        foreach (int number in jumps)
            Run("-t", Nat, "-D", from, number.ToString());
        Run("-t", Nat, "-F", chain);
        Run("-t", Nat, "-X", chain);
    }

    /// <summary>
    /// The legacy half of tearing down Go's iptables layouts: for each family whose namespace has a legacy nat table,
    /// <see cref="RemoveNatChain"/> with iptables-legacy / ip6tables-legacy. iptables-nft rules go over netlink instead.
    /// </summary>
    public static void RemoveLegacyNatChains(IReadOnlyList<(string Chain, string From)> chains)
    {
        foreach (var (v6, program) in new[] { (false, "iptables-legacy"), (true, "ip6tables-legacy") })
        {
            if (!HasLegacyNat(v6) || Find(program) is not { } tool)
                continue;
            foreach (var (chain, from) in chains)
                tool.RemoveNatChain(chain, from);
        }
    }
}
