namespace CniBox.Netlink.TrafficControl;

/// <summary>One <c>action mirred egress redirect dev X</c> of a filter: the target's ifindex and the verdict after it.</summary>
public sealed record MirredAction(int TargetIndex)
{
    /// <summary>TCA_EGRESS_REDIR (tc's <c>egress redirect</c>) unless told otherwise.</summary>
    public int Direction { get; init; } = FilterMessages.TCA_EGRESS_REDIR;

    /// <summary>TC_ACT_STOLEN, tc's default for a redirect; TC_ACT_OK is "pass".</summary>
    public int Verdict { get; init; } = FilterMessages.TC_ACT_STOLEN;
}

/// <summary>
/// A u32 filter that matches every packet (<c>u32 match u32 0 0</c>) on <paramref name="LinkIndex"/> under
/// <paramref name="Parent"/>, with <c>prio</c> <paramref name="Priority"/>, protocol all, and its actions in order.
/// </summary>
public sealed record U32MatchAllOptions(int LinkIndex, uint Parent, ushort Priority, IReadOnlyList<MirredAction> Actions)
{
    /// <summary>TCA_U32_CLASSID (<c>flowid 1:1</c>); 0 sends none.</summary>
    public uint ClassId { get; init; }
}
