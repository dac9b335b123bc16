using CniBox.Applets.Common.Netfilter;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Config;
using CniBox.Spec.Json;
using CniBox.Spec.Results;

namespace CniBox.Applets.Common;

/// <summary><c>ipMasq</c> / <c>ipMasqBackend</c> of bridge and ptp.</summary>
public readonly record struct IpMasqConfig(bool Enabled, string? Backend)
{
    public static IpMasqConfig Read(JsonFields root)
    {
        var backend = root.String("ipMasqBackend");
        if (backend is not (null or "iptables" or "nftables"))
            throw new CniException(ErrorCode.InvalidNetworkConfig,
                $"ipMasqBackend must be either \"iptables\" or \"nftables\", not {GoText.Quote(backend)}");
        return new IpMasqConfig(root.Bool("ipMasq") ?? false, backend);
    }

    /// <summary>Only an explicit "iptables" runs iptables; unset means nf_tables over netlink (Go would try iptables first).</summary>
    public bool UsesIptables => Backend == "iptables";
}

/// <summary>
/// Masquerading for one attachment in the host namespace: set up with the configured backend; torn down from both
/// backends' layouts (nf_tables <c>cni_plugins_masquerade</c>, and iptables <c>CNI-…</c> chains whether iptables-nft or
/// iptables-legacy holds them), as the Go plugins do, so a host can switch implementations and backends.
/// </summary>
public static class IpMasquerade
{
    public static void Setup(IpMasqConfig cfg, IEnumerable<IpConfig> ips, string network, string ifName, string containerId)
    {
        var addresses = new List<IpNet>();
        foreach (var ipc in ips) addresses.Add(Addresses.ParseCidr(ipc.Address, "IP address"));
        if (addresses.Count == 0) return;
        if (cfg.UsesIptables)
        {
            IptablesMasquerade.Setup(addresses, network, containerId);
            return;
        }
        NetfilterCall.Run("failed to set up IP masquerade", nft => Masquerade.SetupMasquerade(nft, addresses, network, ifName, containerId));
    }

    /// <summary>Nothing found anywhere is success; needs no addresses, so DEL without a netns can call it.</summary>
    public static void Teardown(string network, string ifName, string containerId)
    {
        NetfilterCall.Run("failed to tear down IP masquerade", nft =>
        {
            Masquerade.TeardownMasquerade(nft, network, ifName, containerId);
            IptablesNftMasquerade.Teardown(nft, network, containerId);
        });
        IptablesMasquerade.TeardownLegacy(network, containerId);
    }

    /// <summary>
    /// GC: removes the network's nf_tables masquerade rules of attachments not in the request's
    /// <c>cni.dev/valid-attachments</c>. The iptables layout has no GC (its chain names cannot be traced back).
    /// </summary>
    public static void Gc(string network, byte[] stdin)
    {
        var valid = new List<(string ContainerId, string IfName)>();
        foreach (var a in GcAttachments.ReadValid(stdin)) valid.Add((a.ContainerId, a.IfName));
        NetfilterCall.Run("failed to garbage-collect IP masquerade rules", nft => Masquerade.GcMasquerade(nft, network, valid));
    }
}
