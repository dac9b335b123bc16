using CniBox.Netlink.Netfilter;

namespace CniBox.Applets.Common.Netfilter;

/// <summary>
/// Removes the Go plugins' iptables ipMasq layout where iptables-nft keeps it (<see cref="IptablesNftChains"/>):
/// the POSTROUTING rules jumping to <c>CNI-&lt;hash&gt;</c>, then that chain.
/// </summary>
public static class IptablesNftMasquerade
{
    public const string Table = IptablesNftChains.Table;
    public const string Postrouting = "POSTROUTING";

    /// <summary>Returns how many families had the chain.</summary>
    public static int Teardown(NftHandle nft, string network, string containerId) =>
        IptablesNftChains.Remove(nft, [(IptablesMasqueradeNames.ChainName(network, containerId), Postrouting)]);
}
