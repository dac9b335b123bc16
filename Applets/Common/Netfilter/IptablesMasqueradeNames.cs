namespace CniBox.Applets.Common.Netfilter;

/// <summary>
/// The Go plugins' iptables ipMasq names (pkg/ip/ipmasq_iptables_linux.go, pkg/utils): nat chain
/// <c>CNI-</c> + 24 hex of sha512(network + containerId) and comment <c>name: "NET" id: "CID"</c> (Go %q).
/// The iptables backend ignores ifName. Pure functions: nothing here runs iptables.
/// </summary>
public static class IptablesMasqueradeNames
{
    /// <summary>utils.FormatChainName: 28 characters in all.</summary>
    public static string ChainName(string network, string containerId) => GoNames.HashWithPrefix(28, "CNI-", network + containerId);

    /// <summary>utils.MustFormatChainNameWithPrefix, e.g. <c>CNI-DN-</c> for portmap.</summary>
    public static string ChainNameWithPrefix(string network, string containerId, string prefix) =>
        GoNames.HashWithPrefix(28, "CNI-" + prefix, network + containerId);

    /// <summary>utils.FormatComment.</summary>
    public static string Comment(string network, string containerId) =>
        $"name: {GoNames.Quote(network)} id: {GoNames.Quote(containerId)}";

    /// <summary>The multicast range never masqueraded: <c>! -d 224.0.0.0/4</c> or <c>ff00::/8</c>.</summary>
    public static string MulticastNetwork(bool ipv6) => ipv6 ? "ff00::/8" : "224.0.0.0/4";
}
