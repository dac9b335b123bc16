using CniBox.Spec;

namespace CniBox.Applets.Common.Iptables;

/// <summary>
/// <see cref="IIptables"/> by running one iptables program (<c>iptables-legacy</c>, <c>ip6tables</c>, ...) the way
/// go-iptables does: <c>--wait</c>, <c>-t table</c>, the command, the rule. For iptables-legacy hosts, where no netlink
/// reaches the rules.
/// </summary>
public sealed class IptablesProcess(IptablesProgram program, bool ipv6) : IIptables
{
    /// <summary>iptables' exit status for "no such rule/chain" (go-iptables' IsNotExist), as opposed to a real failure.</summary>
    private const int NotFoundExitCode = 1;

    public bool Ipv6 { get; } = ipv6;

    public string Describe => program.Name;

    public bool ChainExists(string table, string chain) => program.Try("-t", table, "-S", chain).Ok;

    public void EnsureChain(string table, string chain)
    {
        if (!ChainExists(table, chain))
            program.Run("-t", table, "-N", chain);
    }

    public bool Exists(string table, string chain, IReadOnlyList<string> rule)
    {
        var outcome = program.Try(["-t", table, "-C", chain, .. rule]);
        if (outcome.Ok)
            return true;
        if (outcome.ExitCode == NotFoundExitCode)
            return false;
        throw new CniException(ErrorCode.Internal,
            $"{Describe} -t {table} -C {chain} {string.Join(' ', rule)} failed (exit {outcome.ExitCode}): {outcome.Stderr.Trim()}");
    }

    public void Insert(string table, string chain, int position, IReadOnlyList<string> rule) =>
        program.Run(["-t", table, "-I", chain, position.ToString(), .. rule]);

    public void Append(string table, string chain, IReadOnlyList<string> rule) =>
        program.Run(["-t", table, "-A", chain, .. rule]);

    public bool DeleteIfExists(string table, string chain, IReadOnlyList<string> rule)
    {
        if (!Exists(table, chain, rule))
            return false;
        program.Run(["-t", table, "-D", chain, .. rule]);
        return true;
    }

    public IReadOnlyList<string> ListRules(string table, string chain) =>
        program.Run("-t", table, "-S", chain).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The "(N references)" of the header line <c>iptables -L chain -n</c> prints.</summary>
    public int References(string table, string chain)
    {
        var outcome = program.Try("-t", table, "-L", chain, "-n");
        if (!outcome.Ok)
            return 0;
        var header = outcome.Stdout.Split('\n', 2)[0];
        int open = header.LastIndexOf('(');
        return open >= 0 && header.EndsWith(" references)", StringComparison.Ordinal)
            && int.TryParse(header[(open + 1)..header.LastIndexOf(' ')], out int n) ? n : 0;
    }

    public void ClearAndDeleteChain(string table, string chain)
    {
        if (!ChainExists(table, chain))
            return;
        program.Run("-t", table, "-F", chain);
        program.Run("-t", table, "-X", chain);
    }
}
