using CniBox.Spec.Addressing;

namespace CniBox.Applets.Firewall;

/// <summary>
/// One container attachment as the firewall plugin sees it: its prevResult addresses (host prefixes, /32 and /128,
/// as Go writes them) and the host-side interface the prevResult names first (the bridge for bridge, the veth for
/// ptp), or null when the prevResult names none.
/// </summary>
public sealed record FirewallAttachment(string ContainerId, string Network, string IfName, IReadOnlyList<IpNet> Addresses, string? HostInterface);

/// <summary>
/// One way of letting a container's traffic through the host firewall: iptables (Go's layout), firewalld (zone
/// sources over D-Bus) or nftables (our own table). Add is idempotent; Del succeeds when nothing is left; Check throws
/// a CniException naming the first missing piece.
/// </summary>
public interface IFirewallBackend
{
    /// <summary>As the config's <c>backend</c> key spells it.</summary>
    string Name { get; }

    void Add(FirewallAttachment attachment);

    void Del(FirewallAttachment attachment);

    void Check(FirewallAttachment attachment);
}
