namespace CniBox.Applets.Common.Iptables;

/// <summary>
/// One family's iptables, with go-iptables' operations, for the Go plugins' iptables layouts. Rules are iptables
/// argument lists without the table and the command (<c>["-d", "10.1.0.2/32", "-j", "ACCEPT"]</c>). Two ways behind
/// it: iptables-nft's own encoding written over nf_tables netlink (no process), and the iptables programs, for
/// iptables-legacy hosts only.
/// </summary>
public interface IIptables
{
    bool Ipv6 { get; }

    /// <summary>How errors name this implementation, e.g. "iptables-nft (netlink)" or "ip6tables-legacy".</summary>
    string Describe { get; }

    bool ChainExists(string table, string chain);

    /// <summary>Creates the chain when it is missing (utils.EnsureChain).</summary>
    void EnsureChain(string table, string chain);

    /// <summary><c>-C</c>: true when the chain holds a rule equal to <paramref name="rule"/>.</summary>
    bool Exists(string table, string chain, IReadOnlyList<string> rule);

    /// <summary><c>-I chain position</c>, position 1 being the first rule.</summary>
    void Insert(string table, string chain, int position, IReadOnlyList<string> rule);

    /// <summary><c>-A</c>.</summary>
    void Append(string table, string chain, IReadOnlyList<string> rule);

    /// <summary><c>-D</c> of the first equal rule; false when there was none (no error, as DeleteIfExists).</summary>
    bool DeleteIfExists(string table, string chain, IReadOnlyList<string> rule);

    /// <summary><c>-S chain</c>: "-N chain" (or "-P chain POLICY" for a built-in one), then one "-A chain ..." per rule.</summary>
    IReadOnlyList<string> ListRules(string table, string chain);

    /// <summary>
    /// How many rules jump or go to the chain: the "(N references)" of <c>iptables -L</c>, which costs no listing of
    /// rules (the kernel counts them); 0 when the chain does not exist.
    /// </summary>
    int References(string table, string chain);

    /// <summary><c>-F</c> then <c>-X</c>; nothing when the chain does not exist.</summary>
    void ClearAndDeleteChain(string table, string chain);
}
