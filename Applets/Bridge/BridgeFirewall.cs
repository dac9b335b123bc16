using System.Net.NetworkInformation;
using CniBox.Applets.Common;
using CniBox.Applets.Common.Netfilter;
using CniBox.Spec;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Bridge;

/// <summary>The bridge's nf_tables work in the host namespace: macspoofchk, and the teardown of it and of ipMasq.</summary>
internal static class BridgeFirewall
{
    /// <summary>Only frames from the container's MAC may enter the bridge through its host veth.</summary>
    public static void SetupSpoofCheck(string hostVeth, string? containerMac, PluginCall call)
    {
        var mac = PhysicalAddress.Parse(containerMac ?? throw new CniException(ErrorCode.Internal, "macspoofchk: the container interface has no MAC"));
        NetfilterCall.Run($"failed to set up macspoofchk for {hostVeth}",
            nft => MacSpoofCheck.Setup(nft, hostVeth, mac, call.ContainerId, call.IfName));
    }

    /// <summary>What DEL and rollback remove: the spoof-check chains, then the masquerade rules (each only when configured).</summary>
    public static void Teardown(BridgeConfig cfg, PluginCall call)
    {
        if (cfg.MacSpoofCheck)
            NetfilterCall.Run("failed to remove macspoofchk rules", nft => MacSpoofCheck.Teardown(nft, call.ContainerId, call.IfName));
        if (cfg.IpMasq.Enabled)
            IpMasquerade.Teardown(cfg.Config.NetworkName, call.IfName, call.ContainerId);
    }

    public static bool HasTeardown(BridgeConfig cfg) => cfg.MacSpoofCheck || cfg.IpMasq.Enabled;
}
