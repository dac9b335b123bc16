using System.Buffers.Binary;
using System.Net.Sockets;
using CniBox.Applets.Common;
using CniBox.Netlink.Netfilter;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using Serilog;
using static CniBox.Applets.Portmap.NftPortmapLayout;

namespace CniBox.Applets.Portmap;

/// <summary>
/// The nftables backend over netlink (no nft process): upstream 1.9's layout (<see cref="NftPortmapLayout"/>), one
/// batch per family per operation, rules found by their comment, the container ID, so DEL needs no mappings.
/// It works on the caller's handle: closing a netfilter socket waits for the kernel to free deleted rules (an RCU
/// grace period, ~10 ms here), so the caller closes it last, after the conntrack dump has hidden that wait.
/// ADD keeps the kernel handles of the container's rules (<see cref="AddedRules"/>, for the registry); DEL given them
/// (<paramref name="recorded"/>) checks each by one GETRULE instead of listing chains that grow with the containers.
/// With an <paramref name="index"/>, ADD's duplicate-port warning reads only the rules of its own host ports
/// (<see cref="TakenHostPorts"/>); every call that adds or deletes DNAT rules keeps the index up to date.
/// </summary>
public sealed class NftPortmap(ILogger log, NftHandle handle, IReadOnlyList<string>? recorded = null, HostPortIndex? index = null)
    : IPortmapBackend
{
    public string Name => PortmapConfig.Nftables;

    /// <summary>After <see cref="Add"/>: the container's rules as "family chain handle" lines.</summary>
    public List<string> AddedRules { get; } = [];

    public void Add(PortmapPlan plan)
    {
        // Both families' conditions are parsed before anything is written.
        var v4 = plan.ContainerV4 is { } a ? (a, NftConditions.Parse(plan.ConditionsV4, AddressFamily.InterNetwork, "conditionsV4")) : default;
        var v6 = plan.ContainerV6 is { } b ? (b, NftConditions.Parse(plan.ConditionsV6, AddressFamily.InterNetworkV6, "conditionsV6")) : default;
        try
        {
            Run("unable to set up nftables rules for port mappings", nft =>
            {
                foreach (var (container, conditions) in new[] { v4, v6 })
                {
                    if (conditions is null) continue;
                    TakenHostPorts.Warn(log, nft, index, plan, !container.Address.IsV4);
                    var published = new List<HostPortEntry>();
                    foreach (var rule in nft.CommitEchoingNewRules(Build(plan, container, conditions, nft)))
                    {
                        if (rule.Comment != plan.ContainerId) continue;
                        AddedRules.Add($"{NftBatch.Name(rule.Family)} {rule.Chain} {rule.Handle}");
                        if (Entry(rule) is { } entry) published.Add(entry);
                    }
                    index?.Add(published);
                }
            });
        }
        catch
        {
            Del(plan.Network, plan.ContainerId);
            throw;
        }
    }

    public IReadOnlyCollection<ushort> Del(string network, string containerId)
    {
        var deleted = new List<HostPortEntry>();
        Run("error deleting nftables rules", nft =>
        {
            if (!DeleteRecorded(nft, containerId, deleted))
                DeleteWhere(nft, c => c == containerId, deleted);
        });
        Forget(deleted);
        var udpPorts = new HashSet<ushort>();
        foreach (var e in deleted)
            if (e.Protocol == Udp) udpPorts.Add(e.Port);
        return udpPorts;
    }

    /// <summary>
    /// Deletes the recorded rules, each read back by its handle first: false (nothing deleted) when there is no record
    /// or one of them is gone or not the container's (a table flushed and refilled), so the caller lists the chains.
    /// </summary>
    private bool DeleteRecorded(NftHandle nft, string containerId, List<HostPortEntry> deleted)
    {
        if (recorded is not { Count: > 0 }) return false;
        var batch = new NftBatch();
        var published = new List<HostPortEntry>();
        foreach (var line in recorded.Distinct())
        {
            var parts = line.Split(' ');
            if (parts.Length != 3 || parts[0] is not ("ip" or "ip6") || !ContainerChains.Contains(parts[1]) || !ulong.TryParse(parts[2], out var h))
                return false;
            var family = parts[0] == "ip" ? NftFamily.Ip : NftFamily.Ip6;
            if (nft.GetRule(family, Table, parts[1], h) is not { } rule || rule.Comment != containerId)
                return false;
            batch.DeleteRule(rule);
            if (Entry(rule) is { } entry) published.Add(entry);
        }
        // One commit for both families: every message carries its own family, as in `nft -f`.
        nft.Commit(batch);
        deleted.AddRange(published);
        return true;
    }

    public void Gc(IReadOnlySet<string> validContainerIds)
    {
        var deleted = new List<HostPortEntry>();
        Run("error deleting nftables rules", nft => DeleteWhere(nft, c => !validContainerIds.Contains(c), deleted));
        Forget(deleted);
        index?.RemoveAllBut(validContainerIds);
    }

    private void Forget(List<HostPortEntry> deleted) => index?.Remove(deleted);

    public void Check(PortmapPlan plan) => Run("could not list nftables rules", nft =>
    {
        foreach (var container in new[] { plan.ContainerV4, plan.ContainerV6 })
        {
            if (container is not { } c) continue;
            var v6 = !c.Address.IsV4;
            var (hostPorts, masquerading) = Expected(plan, v6);
            Require(nft, v6, HostPorts, plan.ContainerId, hostPorts);
            Require(nft, v6, Masquerading, plan.ContainerId, masquerading);
        }
    });

    /// <summary>
    /// The rules of both families whose comment matches, deleted in one batch per family; none is fine. The DNAT
    /// rules removed are added to <paramref name="deleted"/>.
    /// </summary>
    private static void DeleteWhere(NftHandle nft, Func<string, bool> match, List<HostPortEntry> deleted)
    {
        foreach (var f in new[] { NftFamily.Ip, NftFamily.Ip6 })
        {
            var batch = new NftBatch();
            foreach (var chain in ContainerChains)
                foreach (var rule in nft.ListRules(f, Table, chain))
                {
                    if (rule.Comment is not { } comment || !match(comment)) continue;
                    batch.DeleteRule(rule);
                    if (Entry(rule) is { } entry) deleted.Add(entry);
                }
            nft.Commit(batch);
        }
    }

    private const byte Udp = 17;

    private void Run(string what, Action<NftHandle> action) => NetfilterCall.Run(handle, what, action);

    private static void Require(NftHandle nft, bool v6, string chain, string containerId, int expected)
    {
        if (expected == 0) return;
        var found = nft.ListRules(FamilyOf(v6), Table, chain).Count(r => r.Comment == containerId);
        if (found < expected)
            throw new CniException(ErrorCode.Internal, $"missing hostport rules in {Spec.Json.GoText.Quote(chain)} chain");
    }

    /// <summary>A commented DNAT rule of our layout as the host-port index keeps it; null for any other rule.</summary>
    internal static HostPortEntry? Entry(NftRuleInfo rule) =>
        rule.Chain is HostPorts or HostIpHostPorts && rule.Comment is { } owner && Published(rule) is { } p
            ? new HostPortEntry(rule.Family, p.Protocol, p.Port, owner, rule.Chain, rule.Handle)
            : null;

    /// <summary>What a DNAT rule of our layout matches: protocol (1-byte cmp), port (2-byte cmp), host IP (4/16 bytes).</summary>
    internal static (byte Protocol, ushort Port, byte[]? HostIp)? Published(NftRuleInfo rule)
    {
        byte? protocol = null;
        ushort? port = null;
        byte[]? hostIp = null;
        foreach (var value in rule.Compared)
        {
            if (value.Length == 1) protocol ??= value[0];
            else if (value.Length == 2) port ??= BinaryPrimitives.ReadUInt16BigEndian(value);
            else if (value.Length is 4 or 16) hostIp ??= value;
        }
        return protocol is { } p && port is { } n ? (p, n, hostIp) : null;
    }
}
