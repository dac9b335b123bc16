namespace CniBox.Netlink.Netfilter;

/// <summary>
/// The fixed part of a table (its chains and the rules of chains that hold no per-container rule) written into a
/// batch only where it is missing or differs, from one listing of the table's chains and one of each such chain.
/// Upstream re-adds every chain and flushes and rebuilds the fixed chains on every ADD: each re-add is an update and
/// each flush deletes rules, which the kernel frees after an RCU grace period that closing the socket waits for
/// (~10 ms here). Checking costs a few small dumps whose size does not grow with the containers. Without a handle
/// nothing is listed and everything is written as upstream does (add, flush, rules).
/// </summary>
public sealed class NftStructure
{
    private readonly NftHandle? _nft;
    private readonly NftBatch _batch;
    private readonly HashSet<string>? _chains;
    private readonly NftFamily _family;
    private readonly string _table;

    public NftStructure(NftHandle? nft, NftBatch batch, NftFamily family, string table, string? tableComment)
    {
        (_nft, _batch, _family, _table) = (nft, batch, family, table);
        _chains = nft?.ListChains(family, table).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (_chains is not { Count: > 0 })
            batch.AddTable(family, table, tableComment);
    }

    /// <summary>The chain, added when missing (an existing chain is left as it is, rules included).</summary>
    public NftStructure Chain(NftChain chain)
    {
        if (_chains?.Add(chain.Name) != false)
            _batch.AddChain(chain);
        return this;
    }

    /// <summary>The chain holding exactly <paramref name="rules"/>: left alone when it does, else flushed and rewritten.</summary>
    public NftStructure Chain(NftChain chain, params NftRule[] rules)
    {
        if (_chains is null)
            _batch.AddChain(chain).FlushChain(_family, _table, chain.Name);
        else if (_chains.Add(chain.Name))
            _batch.AddChain(chain);
        else
        {
            IReadOnlyList<NftRuleInfo> present = _nft!.ListRules(_family, _table, chain.Name);
            if (present.Count == rules.Length && rules.Zip(present).All(p => NftRuleComparison.Same(p.First, p.Second)))
                return this;
            _batch.FlushChain(_family, _table, chain.Name);
        }
        foreach (NftRule rule in rules)
            _batch.AddRule(rule);
        return this;
    }
}
