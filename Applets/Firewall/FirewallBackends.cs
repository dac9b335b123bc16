using CniBox.Applets.Common.Iptables;
using CniBox.Applets.Firewall.Firewalld;
using CniBox.Applets.Firewall.Iptables;
using CniBox.Applets.Firewall.Nftables;
using CniBox.Netlink.Netfilter;
using CniBox.Spec;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Firewall;

/// <summary>
/// The one place that picks the backend. Named in the config: that one. Empty: firewalld when
/// <c>org.fedoraproject.FirewallD1</c> has an owner on the system bus (as Go), else iptables when the node has any
/// iptables table (iptables-nft's filter/nat/mangle/raw/security in ip or ip6, or a legacy table: someone filters
/// with iptables, and an nftables accept could not get past their drop), else nftables.
/// </summary>
/// <param name="firewalldRunning">The firewalld probe, on the bus of the call's environment; null: never firewalld.</param>
/// <param name="firewalld">Makes the firewalld backend for a call and its config; null: no firewalld backend.</param>
public sealed class FirewallBackends(Func<PluginCall, bool>? firewalldRunning, Func<PluginCall, FirewallConfig, IFirewallBackend>? firewalld)
{
    private static readonly string[] IptablesTables = ["filter", "nat", "mangle", "raw", "security"];

    public static FirewallBackends Default { get; } = new(FirewalldFirewall.IsRunning, FirewalldFirewall.For);

    /// <summary>The backend's name for <paramref name="config"/> on this node (the calling thread's namespace).</summary>
    public string Choose(PluginCall call, FirewallConfig config, NftHandle nft)
    {
        if (config.Backend.Length > 0) return config.Backend;
        if (firewalldRunning?.Invoke(call) == true) return FirewallConfig.Firewalld;
        return HasIptablesTables(nft) ? FirewallConfig.Iptables : FirewallConfig.Nftables;
    }

    /// <param name="recorded">The attachment's record, null when there is none: then ADD need not look for old rules.</param>
    public IFirewallBackend Create(PluginCall call, string name, FirewallConfig config, NftHandle nft, IsolationCleanup? cleanup = null,
        FirewallRecord? recorded = null) => name switch
    {
        FirewallConfig.Iptables => new IptablesFirewall(config.AdminChain, recorded, nft),
        FirewallConfig.Nftables => new NftablesFirewall(nft, config.IngressPolicy, cleanup, firstAdd: recorded is null, recorded?.Handles),
        FirewallConfig.Firewalld => firewalld?.Invoke(call, config) ?? throw new CniException(ErrorCode.Internal,
            "the firewalld backend is not part of this cnibox build; use \"backend\": \"iptables\" or \"nftables\""),
        _ => throw new CniException(ErrorCode.InvalidNetworkConfig, $"unknown firewall backend \"{name}\""),
    };

    public static bool HasIptablesTables(NftHandle nft) =>
        nft.ListTables().Any(t => t.Family is NftFamily.Ip or NftFamily.Ip6 && IptablesTables.Contains(t.Name))
        || IptablesHost.UsesLegacy(false) || IptablesHost.UsesLegacy(true);
}
