using CniBox.Applets.Common.Iptables;
using CniBox.Applets.Common.Netfilter;
using CniBox.Spec.Addressing;

namespace CniBox.Applets.Common;

/// <summary>
/// <c>ipMasqBackend: "iptables"</c>: the Go plugins' iptables layout made as go-iptables does (<c>-N</c>, then <c>-C</c>
/// or <c>-A</c> per rule) through <see cref="IptablesHost"/>: over netlink in iptables-nft's encoding (no process), or
/// by running iptables-legacy where it holds the tables, so Go's DEL can remove it. Also the legacy half of teardown.
/// </summary>
public static class IptablesMasquerade
{
    /// <summary>Per address: chain <c>CNI-…</c> with ACCEPT to the subnet and MASQUERADE to non-multicast, fed from POSTROUTING.</summary>
    public static void Setup(IReadOnlyList<IpNet> addresses, string network, string containerId)
    {
        string chain = IptablesMasqueradeNames.ChainName(network, containerId);
        string comment = IptablesMasqueradeNames.Comment(network, containerId);
        var families = new Dictionary<bool, IIptables>();
        try
        {
            foreach (var address in addresses)
            {
                bool v6 = !address.Address.IsV4;
                if (!families.TryGetValue(v6, out IIptables? ipt))
                    families[v6] = ipt = IptablesHost.Open(v6);
                string subnet = address.ToPrefix().ToString();
                ipt.EnsureChain(Nat, chain);
                ipt.InsertUnique(Nat, chain, ["-d", subnet, "-j", "ACCEPT", "-m", "comment", "--comment", comment]);
                ipt.InsertUnique(Nat, chain, ["!", "-d", IptablesMasqueradeNames.MulticastNetwork(v6), "-j", "MASQUERADE", "-m", "comment", "--comment", comment]);
                ipt.InsertUnique(Nat, "POSTROUTING", ["-s", address.Address.ToString(), "-j", chain, "-m", "comment", "--comment", comment]);
            }
        }
        finally
        {
            foreach (IIptables ipt in families.Values)
                (ipt as IDisposable)?.Dispose();
        }
    }

    private const string Nat = IptablesProgram.Nat;

    /// <summary>
    /// Removes the layout from iptables-legacy when this namespace has a legacy <c>nat</c> table. iptables-nft rules
    /// are removed over netlink instead (<see cref="IptablesNftMasquerade"/>).
    /// </summary>
    public static void TeardownLegacy(string network, string containerId) =>
        IptablesProgram.RemoveLegacyNatChains([(IptablesMasqueradeNames.ChainName(network, containerId), "POSTROUTING")]);
}
