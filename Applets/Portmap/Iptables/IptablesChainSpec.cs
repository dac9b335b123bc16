namespace CniBox.Applets.Portmap.Iptables;

/// <summary>
/// One nat chain of Go's portmap layout (chain.go's <c>chain</c>): its own rules, and the rules in each of
/// <see cref="EntryChains"/> that lead to it (<see cref="EntryRules"/>, each followed by <c>-j Name</c>), put first
/// (<c>-I 1</c>) when <see cref="PrependEntry"/> else appended. Every rule is an iptables argument vector.
/// </summary>
public sealed record IptablesChainSpec(
    string Name,
    IReadOnlyList<string[]> Rules,
    IReadOnlyList<string> EntryChains,
    IReadOnlyList<string[]> EntryRules,
    bool PrependEntry = false)
{
    /// <summary>An entry rule as it is written into an entry chain.</summary>
    public string[] EntryRule(string[] rule) => [.. rule, "-j", Name];
}
