using CniBox.Applets.Common.Netfilter;
using CniBox.Spec.Addressing;

namespace CniBox.Applets.Common;

/// <summary>
/// <c>ipMasqBackend: "iptables"</c>: the Go plugins' iptables layout made by running <c>iptables</c>/<c>ip6tables</c>
/// as go-iptables does (<c>-N</c>, then <c>-C</c> or <c>-A</c> per rule), so Go's DEL can remove it. Also the legacy
/// half of teardown: rules that iptables-legacy holds can only be removed by running it.
/// </summary>
public static class IptablesMasquerade
{
    /// <summary>Per address: chain <c>CNI-…</c> with ACCEPT to the subnet and MASQUERADE to non-multicast, fed from POSTROUTING.</summary>
    public static void Setup(IReadOnlyList<IpNet> addresses, string network, string containerId)
    {
        string chain = IptablesMasqueradeNames.ChainName(network, containerId);
        string comment = IptablesMasqueradeNames.Comment(network, containerId);
        foreach (var address in addresses)
        {
            bool v6 = !address.Address.IsV4;
            var tool = IptablesProgram.Require(v6 ? "ip6tables" : "iptables", "ipMasqBackend \"iptables\"",
                "install iptables, or use \"ipMasqBackend\": \"nftables\" (no external program)");
            string subnet = address.ToPrefix().ToString();
            tool.EnsureNatChain(chain);
            tool.InsertUniqueNat(chain, ["-d", subnet, "-j", "ACCEPT", "-m", "comment", "--comment", comment]);
            tool.InsertUniqueNat(chain, ["!", "-d", IptablesMasqueradeNames.MulticastNetwork(v6), "-j", "MASQUERADE", "-m", "comment", "--comment", comment]);
            tool.InsertUniqueNat("POSTROUTING", ["-s", address.Address.ToString(), "-j", chain, "-m", "comment", "--comment", comment]);
        }
    }

    /// <summary>
    /// Removes the layout from iptables-legacy when this namespace has a legacy <c>nat</c> table. iptables-nft rules
    /// are removed over netlink instead (<see cref="IptablesNftMasquerade"/>).
    /// </summary>
    public static void TeardownLegacy(string network, string containerId) =>
        IptablesProgram.RemoveLegacyNatChains([(IptablesMasqueradeNames.ChainName(network, containerId), "POSTROUTING")]);
}
