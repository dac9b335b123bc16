using CniBox.Netlink.Netfilter;
using CniBox.Netlink.Netfilter.Xtables;
using CniBox.Spec;

namespace CniBox.Applets.Common.Iptables;

/// <summary>
/// Picks how the calling thread's network namespace keeps its iptables rules for one family: iptables-legacy when the
/// kernel's legacy tables of that family are in use (they exist only once something used them), else iptables-nft's
/// encoding over netlink (<see cref="IptablesNft"/>, no process).
/// </summary>
public static class IptablesHost
{
    /// <param name="nft">On iptables-nft hosts, the caller's handle in this namespace (it stays the caller's), else a new one.</param>
    public static IIptables Open(bool ipv6, NftHandle? nft = null)
    {
        if (UsesLegacy(ipv6))
            return new IptablesProcess(Require(ipv6 ? "ip6tables-legacy" : "iptables-legacy",
                "this network namespace holds iptables-legacy tables"), ipv6);
        return new IptablesNft(ipv6, nft);
    }

    /// <summary>
    /// <see cref="Open"/>, except that on iptables-nft hosts a rule the netlink encoding does not cover (an option a user
    /// wrote, such as portmap's conditions) is left to the <c>iptables</c> program, which writes the same tables.
    /// </summary>
    public static IIptables OpenFor(bool ipv6, IEnumerable<IReadOnlyList<string>> rules, NftHandle? nft = null)
    {
        IIptables ipt = Open(ipv6, nft);
        if (ipt is not IptablesNft || rules.All(rule => Encodes(rule, ipv6)))
            return ipt;
        ((IDisposable)ipt).Dispose();
        return new IptablesProcess(Require(ipv6 ? "ip6tables" : "iptables", "an iptables rule beyond the netlink encoding"), ipv6);
    }

    private static bool Encodes(IReadOnlyList<string> rule, bool ipv6)
    {
        try
        {
            XtRuleEncoder.Program(XtRuleParser.Parse(rule, ipv6));
            return true;
        }
        catch (XtRuleException)
        {
            return false;
        }
    }

    /// <summary>True when <c>/proc/thread-self/net/ip(6)_tables_names</c> lists a table.</summary>
    public static bool UsesLegacy(bool ipv6) => LegacyTables(ipv6).Count > 0;

    /// <summary>
    /// The iptables-legacy tables of the family in the calling thread's namespace (the kernel makes one only when
    /// something used it, so most hosts have none).
    /// </summary>
    public static IReadOnlyList<string> LegacyTables(bool ipv6)
    {
        try
        {
            return [.. File.ReadAllLines(ipv6 ? "/proc/thread-self/net/ip6_tables_names" : "/proc/thread-self/net/ip_tables_names")
                .Where(line => line.Length > 0)];
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static IptablesProgram Require(string program, string purpose) =>
        IptablesProgram.Require(program, purpose, "install iptables (Debian's package has both iptables-nft and iptables-legacy)");
}
