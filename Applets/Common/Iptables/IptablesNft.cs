using CniBox.Netlink.Netfilter;
using CniBox.Netlink.Netfilter.Xtables;
using CniBox.Netlink.Socket;
using CniBox.Spec;

namespace CniBox.Applets.Common.Iptables;

/// <summary>
/// <see cref="IIptables"/> for iptables-nft hosts without a process: rules written over nf_tables netlink in the
/// encoding iptables-nft 1.8.9 uses (<see cref="XtRuleEncoder"/>), so <c>iptables -S/-C/-D</c> and Go's plugins see
/// them as their own, and theirs read back (<see cref="XtRuleDecoder"/>). Rules are compared by the text
/// <c>iptables -S</c> prints. Tables, chains and each chain's decoded rules are listed once and then kept in step
/// with this instance's own changes, so Exists and Append cost no dump at scale. One handle, in the namespace of the
/// thread that opened it; not for concurrent use.
/// </summary>
public sealed partial class IptablesNft : IIptables, IIptablesRuleHandles, IDisposable
{
    private readonly NftHandle _nft;
    private readonly bool _ownsHandle;
    private readonly NftFamily _family;
    private readonly Dictionary<string, Dictionary<string, NftChainInfo?>> _tables = [];
    private readonly Dictionary<(string Table, string Chain), List<ListedRule>> _rules = [];

    /// <param name="nft">A handle to use (the caller keeps it); null opens one in the calling thread's namespace.</param>
    public IptablesNft(bool ipv6, NftHandle? nft = null)
    {
        Ipv6 = ipv6;
        _family = ipv6 ? NftFamily.Ip6 : NftFamily.Ip;
        _ownsHandle = nft is null;
        _nft = nft ?? NftHandle.Open();
    }

    public bool Ipv6 { get; }

    public string Describe => Ipv6 ? "ip6tables-nft (netlink)" : "iptables-nft (netlink)";

    public void Dispose()
    {
        if (_ownsHandle)
            _nft.Dispose();
    }

    public bool ChainExists(string table, string chain) =>
        XtTables.FindBuiltin(table, chain) is not null || Chains(table)?.ContainsKey(chain) == true;

    public void EnsureChain(string table, string chain)
    {
        if (ChainExists(table, chain))
            return;
        var batch = new NftBatch();
        EnsureTable(batch, table);
        batch.Add($"iptables -t {table} -N {chain}", (ref w) => XtTables.NewUserChain(ref w, _family, table, chain));
        try
        {
            _nft.Commit(batch);
        }
        catch (NetlinkException e) when (e.Errno == EEXIST)
        {
            // Another process (a parallel ADD) made it since this instance listed the table: it exists, as asked.
            _tables.Remove(table);
            _rules.Remove((table, chain));
            if (ChainExists(table, chain))
                return;
            throw Fail($"-t {table} -N {chain}", e.Message);
        }
        catch (NetlinkException e)
        {
            throw Fail($"-t {table} -N {chain}", e.Message);
        }
        Chains(table)![chain] = null;
        _rules[(table, chain)] = [];
    }

    private const int EEXIST = 17;

    public bool Exists(string table, string chain, IReadOnlyList<string> rule)
    {
        if (!ChainExists(table, chain))
            return false;
        return Find(table, chain, Parse(rule)) >= 0;
    }

    public void Insert(string table, string chain, int position, IReadOnlyList<string> rule)
    {
        List<ListedRule> rules = RequireChain(table, chain, "-I");
        if (position < 1 || position > rules.Count + 1)
            throw Fail($"-t {table} -I {chain} {position}", "Index of insertion too big");
        if (position == rules.Count + 1 && rules.Count > 0)
        {
            Append(table, chain, rule);
            return;
        }
        ulong? before = position == 1 ? null : Handle(table, chain, position - 1);
        ulong handle = Add(table, chain, rule, append: false, before, $"-I {chain} {position}");
        Rules(table, chain).Insert(position - 1, new ListedRule(Parse(rule).ToString(), handle));
    }

    /// <summary>Lists nothing: a chain this instance has not read stays unread (an ADD at scale appends blind).</summary>
    public void Append(string table, string chain, IReadOnlyList<string> rule) => AppendKeepingHandle(table, chain, rule);

    public ulong AppendKeepingHandle(string table, string chain, IReadOnlyList<string> rule)
    {
        if (!ChainExists(table, chain))
            throw Fail($"-t {table} -A {chain}", "No chain/target/match by that name.");
        ulong handle = Add(table, chain, rule, append: true, null, $"-A {chain}");
        if (_rules.TryGetValue((table, chain), out var rules))
            rules.Add(new ListedRule(Parse(rule).ToString(), handle));
        return handle;
    }

    public bool DeleteIfExists(string table, string chain, IReadOnlyList<string> rule)
    {
        if (!ChainExists(table, chain))
            return false;
        XtRule parsed = Parse(rule);
        int index = Find(table, chain, parsed);
        if (index < 0)
            return false;
        string text = parsed.ToString();
        ulong handle = Handle(table, chain, index);
        Commit(new NftBatch().DeleteRule(_family, table, chain, handle), $"-t {table} -D {chain} {text}");
        Rules(table, chain).RemoveAt(index);
        return true;
    }

    public IReadOnlyList<string> ListRules(string table, string chain)
    {
        if (!ChainExists(table, chain))
            throw Fail($"-t {table} -S {chain}", "No chain/target/match by that name.");
        var lines = new List<string>();
        if (XtTables.FindBuiltin(table, chain) is not null)
            lines.Add($"-P {chain} {(Chains(table)?.GetValueOrDefault(chain)?.Base?.Policy == 0 ? "DROP" : "ACCEPT")}");
        else
            lines.Add($"-N {chain}");
        lines.AddRange(Rules(table, chain).Select(r => $"-A {chain} {r.Text ?? $"(foreign rule, handle {r.Handle}: not written by iptables-nft)"}".TrimEnd()));
        return lines;
    }

    public int References(string table, string chain)
    {
        if (Chains(table) is not { } chains || !chains.TryGetValue(chain, out NftChainInfo? info))
            return 0;
        if (info is null)
        {
            // Made by this instance: its count moved with this instance's own jumps, so read it again.
            _tables.Remove(table);
            info = Chains(table)?.GetValueOrDefault(chain);
        }
        return (int)(info?.Use ?? 0);
    }

    public void ClearAndDeleteChain(string table, string chain)
    {
        if (Chains(table)?.ContainsKey(chain) != true)
            return;
        if (XtTables.FindBuiltin(table, chain) is not null)
            throw Fail($"-t {table} -X {chain}", "Cannot delete built-in chain");
        Commit(new NftBatch().FlushChain(_family, table, chain).DeleteChain(_family, table, chain), $"-t {table} -F/-X {chain}");
        Chains(table)!.Remove(chain);
        _rules.Remove((table, chain));
    }

    /// <summary>
    /// A rule as listed (decoded only when a lookup's candidate: same expressions and compared constants) or as written
    /// by this instance (its handle echoed by the kernel). <see cref="Text"/> is null for a foreign rule.
    /// </summary>
    private sealed class ListedRule
    {
        private readonly NftRuleInfo? _listed;
        private string? _text;
        private bool _decoded;

        public ListedRule(string text, ulong handle) => (_text, _decoded, Handle) = (text, true, handle);

        public ListedRule(NftRuleInfo listed) => (_listed, Handle) = (listed, listed.Handle);

        public ulong Handle { get; }

        public string? Text
        {
            get
            {
                if (!_decoded)
                    (_text, _decoded) = (XtRuleDecoder.Decode(_listed!)?.ToString(), true);
                return _text;
            }
        }

        /// <summary>False when the listed program cannot be <paramref name="shape"/>'s (cheap: no decoding).</summary>
        public bool MayBe(ProgramShape shape)
        {
            if (_listed is null || _decoded)
                return true;
            IReadOnlyList<byte[]> compared = _listed.Compared;
            if (compared.Count != shape.Compared.Length || _listed.Expressions.Count != shape.Names.Length)
                return false;
            for (int i = 0; i < compared.Count; i++)
                if (!compared[i].AsSpan().SequenceEqual(shape.Compared[i]))
                    return false;
            for (int i = 0; i < shape.Names.Length; i++)
                if (_listed.Expressions[i] != shape.Names[i])
                    return false;
            return true;
        }
    }

    /// <summary>What a listing shows of a program without decoding it: expression names and the constants compared.</summary>
    private sealed record ProgramShape(string[] Names, byte[][] Compared);

    /// <summary>The index of the first rule of the chain equal to <paramref name="rule"/> by its iptables -S text, or -1.</summary>
    private int Find(string table, string chain, XtRule rule)
    {
        string text = rule.ToString();
        List<NftExpr> program;
        try
        {
            program = XtRuleEncoder.Program(rule);
        }
        catch (XtRuleException e)
        {
            throw Fail($"-t {table} -C {chain} {text}", e.Message);
        }
        var shape = new ProgramShape([.. program.Select(e => e.Name)], [.. program.OfType<CmpExpr>().Select(c => c.Data)]);
        return Rules(table, chain).FindIndex(r => r.MayBe(shape) && r.Text == text);
    }

    private XtRule Parse(IReadOnlyList<string> rule)
    {
        try
        {
            return XtRuleParser.Parse(rule, Ipv6);
        }
        catch (XtRuleException e)
        {
            throw Fail(string.Join(' ', rule), e.Message);
        }
    }

    /// <summary>Writes the rule (with the table and built-in chain when missing) and returns its handle.</summary>
    private ulong Add(string table, string chain, IReadOnlyList<string> rule, bool append, ulong? before, string what)
    {
        XtRule parsed = Parse(rule);
        var batch = new NftBatch();
        EnsureTable(batch, table);
        if (XtTables.FindBuiltin(table, chain) is { } builtin && !Chains(table)!.ContainsKey(chain))
            batch.Add($"iptables -t {table} (create {chain})", (ref w) => XtTables.NewBuiltinChain(ref w, _family, builtin));
        NftRule nftRule;
        try
        {
            nftRule = XtRuleEncoder.Rule(parsed, table, chain) with { Append = append, Position = before };
        }
        catch (XtRuleException e)
        {
            throw Fail($"-t {table} {what} {parsed}", e.Message);
        }
        batch.AddRule(nftRule);
        int index = batch.Count - 1;
        IReadOnlyDictionary<int, ulong> handles = Kernel(() => _nft.CommitEchoingRules(batch), $"-t {table} {what} {parsed}");
        Chains(table)!.TryAdd(chain, null);
        return handles.TryGetValue(index, out ulong handle) ? handle
            : throw Fail($"-t {table} {what} {parsed}", "the kernel did not echo the new rule");
    }

    private void EnsureTable(NftBatch batch, string table)
    {
        if (!XtTables.IsKnownTable(table))
            throw Fail($"-t {table}", $"can't initialize iptables table `{table}': Table does not exist");
        if (Chains(table) is null)
            batch.Add($"iptables -t {table} (create table)", (ref w) => XtTables.NewTable(ref w, _family, table));
    }

    private List<ListedRule> RequireChain(string table, string chain, string command) =>
        ChainExists(table, chain) ? Rules(table, chain) : throw Fail($"-t {table} {command} {chain}", "No chain/target/match by that name.");

    /// <summary>The chains of the table (null value: made here, not listed), or null when the table does not exist.</summary>
    private Dictionary<string, NftChainInfo?>? Chains(string table)
    {
        if (_tables.TryGetValue(table, out var chains))
            return chains;
        bool exists = Kernel(() => _nft.ListTables(_family)).Any(t => t.Name == table);
        if (!exists)
            return null;
        chains = Kernel(() => _nft.ListChains(_family, table)).ToDictionary(c => c.Name, c => (NftChainInfo?)c);
        _tables[table] = chains;
        return chains;
    }

    private List<ListedRule> Rules(string table, string chain)
    {
        if (_rules.TryGetValue((table, chain), out var rules))
            return rules;
        rules = Chains(table)?.ContainsKey(chain) == true ? List(table, chain) : [];
        _rules[(table, chain)] = rules;
        return rules;
    }

    private List<ListedRule> List(string table, string chain) =>
        Kernel(() => _nft.ListRules(_family, table, chain)).Select(r => new ListedRule(r)).ToList();

    /// <summary>The kernel's handle of the rule at <paramref name="index"/> (listed, or echoed when this instance wrote it).</summary>
    private ulong Handle(string table, string chain, int index) => Rules(table, chain)[index].Handle;

    private void Commit(NftBatch batch, string what) => Kernel(() => _nft.Commit(batch), what);

    private T Kernel<T>(Func<T> call, string? what = null)
    {
        try
        {
            return call();
        }
        catch (NetlinkException e)
        {
            throw Fail(what ?? e.Operation, e.Message);
        }
    }

    private void Kernel(Action call, string what) => Kernel(() => { call(); return 0; }, what);

    private CniException Fail(string what, string why) => new(ErrorCode.Internal, $"{Describe} {what}: {why}");
}
