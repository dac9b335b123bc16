using CniBox.Spec;

namespace CniBox.Applets.Common.Iptables;

/// <summary>
/// Picks how the calling thread's network namespace keeps its iptables rules for one family: iptables-legacy when the
/// kernel's legacy tables of that family are in use (they exist only once something used them), else iptables-nft.
/// </summary>
public static class IptablesHost
{
    public static IIptables Open(bool ipv6)
    {
        if (UsesLegacy(ipv6))
            return new IptablesProcess(Require(ipv6 ? "ip6tables-legacy" : "iptables-legacy",
                "this network namespace holds iptables-legacy tables"), ipv6);
        return new IptablesProcess(Require(ipv6 ? "ip6tables" : "iptables", "the Go plugins' iptables layouts"), ipv6);
    }

    /// <summary>True when <c>/proc/thread-self/net/ip(6)_tables_names</c> lists a table.</summary>
    public static bool UsesLegacy(bool ipv6)
    {
        try
        {
            return File.ReadAllLines(ipv6 ? "/proc/thread-self/net/ip6_tables_names" : "/proc/thread-self/net/ip_tables_names")
                .Any(line => line.Length > 0);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static IptablesProgram Require(string program, string purpose) =>
        IptablesProgram.Require(program, purpose, "install iptables (Debian's package has both iptables-nft and iptables-legacy)");
}
