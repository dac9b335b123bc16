namespace CniBox.Netlink.Netfilter;

/// <summary>
/// What makes a chain a base chain: <c>type TYPE hook HOOK priority PRIORITY; [policy POLICY;]</c>.
/// <see cref="Hook"/> is NF_INET_* (bridge and inet share the numbers); <see cref="Policy"/> is NF_ACCEPT/NF_DROP
/// or null to leave it out (the kernel then accepts), as nft does when the policy is not written.
/// </summary>
public sealed record NftBaseChain(string Type, uint Hook, int Priority, int? Policy = null);

/// <summary>A chain to create: regular when <see cref="Base"/> is null.</summary>
public sealed record NftChain(NftFamily Family, string Table, string Name, NftBaseChain? Base = null, string? Comment = null);

/// <summary>A rule to append: its expression program and an optional comment (nft's user-data TLV).</summary>
public sealed record NftRule(NftFamily Family, string Table, string Chain, IReadOnlyList<NftExpr> Expressions, string? Comment = null)
{
    /// <summary>
    /// False to insert instead of append: before the rule with handle <see cref="Position"/>, or at the head of the
    /// chain when there is none.
    /// </summary>
    public bool Append { get; init; } = true;

    /// <summary>NFTA_RULE_POSITION: the handle the rule goes after (appending) or before (inserting).</summary>
    public ulong? Position { get; init; }

    /// <summary>NFTA_RULE_COMPAT, which xt matches need: the rule's layer-4 protocol (0 for none) and flags.</summary>
    public (uint Protocol, uint Flags)? Compat { get; init; }
}

/// <summary>One expression of a listed rule, undecoded: its name and its NFTA_EXPR_DATA attributes.</summary>
public sealed record NftRawExpr(string Name, byte[] Data);

/// <summary>A table as listed by the kernel.</summary>
public sealed record NftTableInfo(NftFamily Family, string Name, ulong Handle, uint Flags, string? Comment);

/// <summary>
/// A chain as listed by the kernel; <see cref="Base"/> is set for base chains. <see cref="Use"/> is the kernel's
/// reference count of the chain (NFTA_CHAIN_USE): the jump and goto verdicts that name it.
/// </summary>
public sealed record NftChainInfo(NftFamily Family, string Table, string Name, ulong Handle, NftBaseChain? Base, string? Comment)
{
    public uint Use { get; init; }
}

/// <summary>
/// A rule as listed by the kernel: where it is, its handle (for deletion), its comment and the names of its
/// expressions in order (e.g. meta, cmp, payload, cmp, masq), and the chains its jump/goto verdicts name.
/// </summary>
public sealed record NftRuleInfo(NftFamily Family, string Table, string Chain, ulong Handle, string? Comment, IReadOnlyList<string> Expressions)
{
    public IReadOnlyList<string> JumpTargets { get; init; } = [];

    /// <summary>The constants of the rule's cmp expressions, in order (addresses, protocol numbers, ports).</summary>
    public IReadOnlyList<byte[]> Compared { get; init; } = [];

    /// <summary>The rule's NFTA_RULE_EXPRESSIONS as listed: one copy per rule, split into <see cref="Raw"/> only when asked.</summary>
    public byte[] Program { get; init; } = [];

    private IReadOnlyList<NftRawExpr>? _raw;

    /// <summary>Every expression with its attributes, in order, for decoders of whole programs (iptables-nft's).</summary>
    public IReadOnlyList<NftRawExpr> Raw
    {
        get => _raw ??= NftParse.RawExpressions(Program);
        init => _raw = value;
    }
}
