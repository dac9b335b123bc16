using System.Net.NetworkInformation;
using CniBox.Applets.Common;
using CniBox.Netlink.Netfilter;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Bridge;

/// <summary>The bridge's nf_tables work in the host namespace: macspoofchk and ipMasq teardown.</summary>
internal static class BridgeFirewall
{
    /// <summary>Only frames from the container's MAC may enter the bridge through its host veth.</summary>
    public static void SetupSpoofCheck(string hostVeth, string? containerMac, PluginCall call)
    {
        var mac = PhysicalAddress.Parse(containerMac ?? throw new CniException(ErrorCode.Internal, "macspoofchk: the container interface has no MAC"));
        try
        {
            using var nft = NftHandle.Open();
            MacSpoofCheck.Setup(nft, hostVeth, mac, call.ContainerId, call.IfName);
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to set up macspoofchk for {hostVeth}: {e.Message}");
        }
    }

    /// <summary>What DEL and rollback remove: the spoof-check chains, then the masquerade rules (both only when configured).</summary>
    public static void Teardown(BridgeConfig cfg, PluginCall call)
    {
        if (cfg.MacSpoofCheck)
        {
            try
            {
                using var nft = NftHandle.Open();
                MacSpoofCheck.Teardown(nft, call.ContainerId, call.IfName);
            }
            catch (NetlinkException e)
            {
                throw new CniException(ErrorCode.Internal, $"failed to remove macspoofchk rules: {e.Message}");
            }
        }
        if (cfg.IpMasq.Enabled)
            IpMasquerade.Teardown(cfg.Config.NetworkName, call.IfName, call.ContainerId);
    }
}
