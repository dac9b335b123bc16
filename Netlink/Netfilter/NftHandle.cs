using CniBox.Netlink.Codec;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Socket;

namespace CniBox.Netlink.Netfilter;

/// <summary>
/// nf_tables over NETLINK_NETFILTER, bound to one network namespace through one socket. Changes go through
/// <see cref="Commit"/>, one atomic batch each; listings are dumps. Safe from any thread; requests are serialized.
/// </summary>
public sealed class NftHandle : IDisposable
{
    private const int RequestBufferSize = 512;

    /// <summary>Batches above this many messages first raise the receive buffer so no ACK is dropped.</summary>
    private const int LargeBatch = 64;

    private readonly NetlinkSocket _socket;

    private NftHandle(NetlinkSocket socket) => _socket = socket;

    /// <summary>Opens a handle in <paramref name="ns"/>, or in the calling thread's namespace when null.</summary>
    public static NftHandle Open(NetNsHandle? ns = null) =>
        new(ns is null ? NetlinkSocket.Open(Nl.NETLINK_NETFILTER) : NetlinkSocket.OpenIn(ns, Nl.NETLINK_NETFILTER));

    public void Dispose() => _socket.Dispose();

    /// <summary>
    /// Sends the batch and waits for the kernel's verdict. Throws <see cref="NftBatchException"/> naming the first
    /// refused message (nothing was applied). An empty batch sends nothing.
    /// </summary>
    public void Commit(NftBatch batch) => Commit(batch, null);

    /// <summary>
    /// <see cref="Commit(NftBatch)"/>, asking the kernel to echo what it made: the handles of the batch's new rules, by
    /// the index of their message in the batch. A rule's handle lets it be read or deleted later without listing its chain.
    /// </summary>
    public IReadOnlyDictionary<int, ulong> CommitEchoingRules(NftBatch batch)
    {
        var echoed = new Dictionary<int, NftRuleInfo>();
        Commit(batch, echoed);
        var handles = new Dictionary<int, ulong>(echoed.Count);
        foreach (var (index, rule) in echoed) handles[index] = rule.Handle;
        return handles;
    }

    /// <summary><see cref="CommitEchoingRules"/> with the whole of each new rule as the kernel made it (chain, handle, comment), in batch order.</summary>
    public IReadOnlyList<NftRuleInfo> CommitEchoingNewRules(NftBatch batch)
    {
        var echoed = new Dictionary<int, NftRuleInfo>();
        Commit(batch, echoed);
        var indexes = new List<int>(echoed.Keys);
        indexes.Sort();
        var rules = new List<NftRuleInfo>(indexes.Count);
        foreach (int index in indexes) rules.Add(echoed[index]);
        return rules;
    }

    /// <summary>The rule with this handle (one request, no dump), or null when the table, chain or rule is gone.</summary>
    public NftRuleInfo? GetRule(NftFamily family, string table, string chain, ulong handle)
    {
        NftRuleInfo? found = null;
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        NftMessages.GetRule(ref w, _socket.NextSequence(), family, table, chain, handle);
        try
        {
            _socket.Request(w.Written, $"NFT_MSG_GETRULE {NftBatch.Name(family)} {table} {chain} handle {handle}",
                (in NetlinkMessage m) => found ??= NftParse.Rule(in m));
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return null;
        }
        return found;
    }

    private void Commit(NftBatch batch, Dictionary<int, NftRuleInfo>? echoedRules)
    {
        if (batch.Count == 0)
            return;
        if (batch.Count > LargeBatch)
            _socket.EnsureReceiveBuffer(batch.Count * 1024);
        uint first = _socket.ReserveSequences(batch.Count + 2);
        uint last = first + (uint)batch.Count + 1;
        byte[] datagram = batch.Seal(first, echo: echoedRules is not null);
        MessageHandler? onEcho = echoedRules is null ? null : (in NetlinkMessage m) =>
        {
            if (NftParse.Rule(in m) is { } rule && m.Sequence > first && m.Sequence < last)
                echoedRules[(int)(m.Sequence - first - 1)] = rule;
        };
        List<BatchFailure> failures = _socket.RequestBatch(datagram, first, last, batch.Count, "nf_tables batch", onEcho);
        if (failures.Count == 0)
            return;
        BatchFailure f = default;
        foreach (var failure in failures)
            if (failure.Sequence > first && failure.Sequence < last) { f = failure; break; }
        if (f == default)
        {
            f = failures[0];
            throw new NftBatchException(f.Errno, $"nf_tables batch of {batch.Count} messages", f.ExtAckMessage, "batch", -1);
        }
        int index = (int)(f.Sequence - first - 1);
        string failed = batch.Describe(index);
        throw new NftBatchException(f.Errno, $"nf_tables batch, message {index + 1} of {batch.Count} ({failed})",
            f.ExtAckMessage, failed, index);
    }

    /// <summary><c>nft list tables [FAMILY]</c>.</summary>
    public IReadOnlyList<NftTableInfo> ListTables(NftFamily? family = null) =>
        Dump($"NFT_MSG_GETTABLE dump {family}", (ref NetlinkWriter w, uint seq) => NftMessages.GetTables(ref w, seq, family), NftParse.Table);

    /// <summary>
    /// The chains of the tables named <paramref name="table"/>, of one family or, when null, of every family (one dump
    /// either way); an empty list when there is no such table.
    /// </summary>
    public IReadOnlyList<NftChainInfo> ListChains(NftFamily? family, string table)
    {
        List<NftChainInfo> all = Dump($"NFT_MSG_GETCHAIN dump {(family is { } f ? NftBatch.Name(f) : "all families")}",
            (ref NetlinkWriter w, uint seq) => NftMessages.GetChains(ref w, seq, family), NftParse.Chain);
        all.RemoveAll(c => c.Table != table || (family is not null && c.Family != family));
        return all;
    }

    /// <summary><c>nft -a list chain FAMILY TABLE CHAIN</c>: its rules in order; empty when the table or chain is missing.</summary>
    public IReadOnlyList<NftRuleInfo> ListRules(NftFamily family, string table, string chain)
    {
        try
        {
            return Dump($"NFT_MSG_GETRULE dump {NftBatch.Name(family)} {table} {chain}",
                (ref NetlinkWriter w, uint seq) => NftMessages.GetRules(ref w, seq, family, table, chain), NftParse.Rule);
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return [];
        }
    }

    /// <summary>
    /// Deletes, in one batch, every rule of the chain whose comment satisfies <paramref name="match"/>; returns how
    /// many. A missing table or chain, or no match, is 0 and sends nothing.
    /// </summary>
    public int DeleteRulesByComment(NftFamily family, string table, string chain, Func<string, bool> match)
    {
        var batch = new NftBatch();
        foreach (NftRuleInfo rule in ListRules(family, table, chain))
            if (rule.Comment is not null && match(rule.Comment))
                batch.DeleteRule(rule);
        Commit(batch);
        return batch.Count;
    }

    private List<T> Dump<T>(string operation, RequestBuilder build, MessageParser<T> parse) where T : class =>
        _socket.Dump(stackalloc byte[RequestBufferSize], operation, build, parse);
}
