using CniBox.Applets.Common.Iptables;
using CniBox.Applets.Firewall.Iptables;
using CniBox.Applets.Firewall.Nftables;
using CniBox.Netlink.Netfilter;
using CniBox.Spec;

namespace CniBox.Applets.Firewall;

/// <summary>
/// The one place that picks the backend. Named in the config: that one. Empty: firewalld when
/// <c>org.fedoraproject.FirewallD1</c> has an owner on the system bus (as Go), else iptables when the node has any
/// iptables table (iptables-nft's filter/nat/mangle/raw/security in ip or ip6, or a legacy table: someone filters
/// with iptables, and an nftables accept could not get past their drop), else nftables.
/// </summary>
/// <param name="firewalldRunning">The firewalld probe; null when this build has no firewalld backend.</param>
/// <param name="firewalld">Makes the firewalld backend for a config; null when this build has none.</param>
public sealed class FirewallBackends(Func<bool>? firewalldRunning, Func<FirewallConfig, IFirewallBackend>? firewalld)
{
    private static readonly string[] IptablesTables = ["filter", "nat", "mangle", "raw", "security"];

    /// <summary>The firewalld seam (branch fwd fills both): the bus-name probe and the D-Bus backend.</summary>
    public static readonly Func<bool>? FirewalldProbe = null;
    public static readonly Func<FirewallConfig, IFirewallBackend>? FirewalldFactory = null;

    public static FirewallBackends Default { get; } = new(FirewalldProbe, FirewalldFactory);

    /// <summary>The backend's name for <paramref name="config"/> on this node (the calling thread's namespace).</summary>
    public string Choose(FirewallConfig config, NftHandle nft)
    {
        if (config.Backend.Length > 0) return config.Backend;
        if (firewalldRunning?.Invoke() == true) return FirewallConfig.Firewalld;
        return HasIptablesTables(nft) ? FirewallConfig.Iptables : FirewallConfig.Nftables;
    }

    /// <param name="firstAdd">No record of the attachment exists: the nftables ADD need not look for its old rules.</param>
    public IFirewallBackend Create(string name, FirewallConfig config, NftHandle nft, IsolationCleanup? cleanup = null, bool firstAdd = false) => name switch
    {
        FirewallConfig.Iptables => new IptablesFirewall(config.AdminChain),
        FirewallConfig.Nftables => new NftablesFirewall(nft, config.IngressPolicy, cleanup, firstAdd),
        FirewallConfig.Firewalld => firewalld?.Invoke(config) ?? throw new CniException(ErrorCode.Internal,
            "the firewalld backend is not part of this cnibox build; use \"backend\": \"iptables\" or \"nftables\""),
        _ => throw new CniException(ErrorCode.InvalidNetworkConfig, $"unknown firewall backend \"{name}\""),
    };

    public static bool HasIptablesTables(NftHandle nft) =>
        nft.ListTables().Any(t => t.Family is NftFamily.Ip or NftFamily.Ip6 && IptablesTables.Contains(t.Name))
        || IptablesHost.UsesLegacy(false) || IptablesHost.UsesLegacy(true);
}
