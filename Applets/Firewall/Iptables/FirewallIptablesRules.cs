using CniBox.Spec.Addressing;

namespace CniBox.Applets.Firewall.Iptables;

/// <summary>
/// Go's iptables layout of the firewall plugin (upstream 1.9.1 iptables.go), in the filter table: FORWARD jumps first
/// to <c>CNI-FORWARD</c>, whose first rule jumps to the admin chain; per container address the two accepts below.
/// Rules are go-iptables argument lists, byte for byte what Go passes.
/// </summary>
public static class FirewallIptablesRules
{
    public const string Filter = "filter";
    public const string Forward = "FORWARD";
    public const string PrivateChain = "CNI-FORWARD";

    /// <summary>generateFilterRule: FORWARD's jump to CNI-FORWARD.</summary>
    public static string[] ForwardJump() => ["-m", "comment", "--comment", "CNI firewall plugin rules", "-j", PrivateChain];

    /// <summary>generateAdminRule: CNI-FORWARD's first rule.</summary>
    public static string[] AdminJump(string adminChain) =>
        ["-m", "comment", "--comment", "CNI firewall plugin admin overrides", "-j", adminChain];

    /// <summary>getPrivChainRules of one address: replies to it, and everything from it.</summary>
    public static string[][] AddressRules(IpAddr address)
    {
        var host = HostPrefix(address);
        return
        [
            ["-d", host, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"],
            ["-s", host, "-j", "ACCEPT"],
        ];
    }

    /// <summary>ipString: the address as a host prefix, /32 or /128.</summary>
    public static string HostPrefix(IpAddr address) => address + (address.IsV4 ? "/32" : "/128");

    /// <summary>Go's %v of a []string: <c>[-j ACCEPT]</c>.</summary>
    public static string GoList(IReadOnlyList<string> rule) => "[" + string.Join(' ', rule) + "]";
}
