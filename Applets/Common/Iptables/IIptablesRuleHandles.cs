namespace CniBox.Applets.Common.Iptables;

/// <summary>
/// What an <see cref="IIptables"/> over nf_tables can do beyond go-iptables: keep the kernel's handle of a rule it
/// appends, so that the rule can be deleted later with one request instead of a listing of its chain (which grows
/// with the node's containers).
/// </summary>
public interface IIptablesRuleHandles
{
    /// <summary><c>-A</c>, returning the kernel's handle of the new rule.</summary>
    ulong AppendKeepingHandle(string table, string chain, IReadOnlyList<string> rule);

    /// <summary>
    /// Deletes the rule with <paramref name="handle"/> when it still is equal to <paramref name="rule"/>; false, with
    /// nothing done, when it is gone or is another rule (a flushed and refilled table reuses no handle, but may hold
    /// the rule under a new one: then the caller looks for it by content).
    /// </summary>
    bool DeleteByHandle(string table, string chain, ulong handle, IReadOnlyList<string> rule);

    /// <summary>
    /// <see cref="DeleteByHandle"/> of several rules in one batch: per rule, the first of its handles that still holds
    /// it is deleted; the answer says, per rule, whether one did (the others are for the caller to find by content).
    /// </summary>
    bool[] DeleteByHandles(string table, string chain, IReadOnlyList<HandledRule> rules);
}

/// <summary>A rule (its argument list) and the kernel handles it may have, newest first.</summary>
public sealed record HandledRule(IReadOnlyList<string> Rule, IReadOnlyList<ulong> Handles);
