using CniBox.Applets.Common.Iptables;

namespace CniBox.Tests.Unit.Applets.Firewall.Iptables;

/// <summary>
/// iptables' semantics on lists, for the layout tests: chains of argument lists, -I/-A/-C/-D as iptables applies them,
/// built-in chains that always exist. <see cref="FailAppendsAfter"/> makes the n-th append fail, as a refused rule would.
/// </summary>
public sealed class ListIptables(bool ipv6) : IIptables
{
    private static readonly string[] BuiltIn = ["INPUT", "FORWARD", "OUTPUT"];
    public readonly Dictionary<string, List<string[]>> Chains = BuiltIn.ToDictionary(c => c, _ => new List<string[]>());
    private int _appends;

    public int? FailAppendsAfter { get; set; }

    public bool Ipv6 => ipv6;
    public string Describe => ipv6 ? "ip6tables (test)" : "iptables (test)";

    public bool ChainExists(string table, string chain) => Chains.ContainsKey(chain);

    public void EnsureChain(string table, string chain) => Chains.TryAdd(chain, []);

    public bool Exists(string table, string chain, IReadOnlyList<string> rule) =>
        Chains.TryGetValue(chain, out var rules) && rules.Any(r => r.SequenceEqual(rule));

    public void Insert(string table, string chain, int position, IReadOnlyList<string> rule) => Of(chain).Insert(position - 1, [.. rule]);

    public void Append(string table, string chain, IReadOnlyList<string> rule)
    {
        if (FailAppendsAfter is { } n && ++_appends > n) throw new InvalidOperationException("iptables: refused (test)");
        Of(chain).Add([.. rule]);
    }

    public bool DeleteIfExists(string table, string chain, IReadOnlyList<string> rule)
    {
        if (!Chains.TryGetValue(chain, out var rules)) return false;
        var i = rules.FindIndex(r => r.SequenceEqual(rule));
        if (i < 0) return false;
        rules.RemoveAt(i);
        return true;
    }

    public IReadOnlyList<string> ListRules(string table, string chain) =>
        [BuiltIn.Contains(chain) ? $"-P {chain} ACCEPT" : $"-N {chain}", .. Of(chain).Select(r => $"-A {chain} {string.Join(' ', r)}")];

    public int References(string table, string chain) =>
        Chains.Values.Sum(rules => rules.Count(r => r.Length > 1 && r[^1] == chain && r[^2] is "-j" or "-g"));

    public void ClearAndDeleteChain(string table, string chain)
    {
        if (Chains.Values.Any(rules => rules.Any(r => r.Length > 1 && r[^1] == chain && r[^2] == "-j")))
            throw new InvalidOperationException($"chain {chain} is still referenced");
        Chains.Remove(chain);
    }

    /// <summary>The chain as <c>iptables -S</c> lines without quoting, for comparisons.</summary>
    public string[] Lines(string chain) => [.. Of(chain).Select(r => string.Join(' ', r))];

    private List<string[]> Of(string chain) => Chains.TryGetValue(chain, out var rules) ? rules : throw new InvalidOperationException($"no chain {chain}");
}
