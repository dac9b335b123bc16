using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Applets.Portmap.Iptables;
using CniBox.Netlink;
using CniBox.Netlink.Netfilter;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Config;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Portmap;

/// <summary>
/// portmap, chained after bridge or ptp (or macvlan/ipvlan with masqAll): publishes <c>runtimeConfig.portMappings</c>
/// on the host for the container's first v4 and v6 address on CNI_IFNAME; the result is the prevResult. DEL, GC and
/// CHECK find rules by the container ID, so DEL needs no mappings (unlike Go, which does nothing without them).
/// </summary>
public sealed class PortmapApplet : ChainedPlugin<PortmapConfig>
{
    private readonly PortmapRegistry _registry;

    public PortmapApplet(PortmapRegistry? registry = null) => _registry = registry ?? new PortmapRegistry();

    protected override string MissingOnAdd => "must be called as chained plugin";
    protected override string MissingOnCheck => "Required prevResult missing";

    protected override PortmapConfig Parse(PluginCall call) =>
        PortmapConfig.Parse(call.StdinData, call.Command == CniCommand.Check ? "" : "failed to parse config: ");

    protected override void Add(PluginCall call, PortmapConfig config, CniResult prevResult)
    {
        if (config.Mappings.Count == 0) return;
        var plan = Plan(call, config, prevResult);
        using var nft = config.Backend == PortmapConfig.Nftables ? OpenNft() : null;
        var backend = Backend(call, config, nft);
        backend.Add(plan);
        try
        {
            _registry.Record(call.NetworkName, call.ContainerId, (backend as NftPortmap)?.AddedRules);
            if (plan.ContainerV4 is { } v4 && plan.Snat)
                EnableLocalnetRouting(v4.Address, call);
        }
        catch
        {
            // Go leaves its rules when route_localnet fails; ADD leaves nothing behind here.
            backend.Del(plan.Network, plan.ContainerId);
            _registry.Forget(plan.ContainerId);
            throw;
        }
        UdpConntrack.Flush(UdpConntrack.UdpPorts(plan.Mappings), plan.ContainerV4 is not null, plan.ContainerV6 is not null, call.Log);
    }

    /// <summary>
    /// Removes the container's rules of the configured backend and, whatever it is, of Go's iptables layout, so a node
    /// can move from Go's plugins to ours with containers running; then the UDP conntrack entries of its host ports.
    /// The netfilter handle is closed last (see <see cref="NftPortmap"/>).
    /// </summary>
    protected override void Del(PluginCall call, PortmapConfig config, CniResult? prevResult)
    {
        using var nft = OpenNft();
        var backend = Backend(call, config, nft, _registry.Rules(call.ContainerId));
        var udpPorts = backend.Del(call.NetworkName, call.ContainerId).ToHashSet();
        if (backend is not IptablesPortmap)
            IptablesPortmap.RemoveGoLayout(call.NetworkName, call.ContainerId, nft);
        _registry.Forget(call.ContainerId);
        udpPorts.UnionWith(UdpConntrack.UdpPorts(config.Mappings));
        UdpConntrack.Flush(udpPorts, v4: true, v6: true, call.Log);
    }

    protected override void Check(PluginCall call, PortmapConfig config, CniResult prevResult)
    {
        if (config.Mappings.Count == 0) return;
        using var nft = config.Backend == PortmapConfig.Nftables ? OpenNft() : null;
        Backend(call, config, nft).Check(Plan(call, config, prevResult));
    }

    protected override void Gc(PluginCall call, PortmapConfig config)
    {
        var valid = GcAttachments.ReadValid(call.StdinData).Select(a => a.ContainerId).ToHashSet(StringComparer.Ordinal);
        var ofThisNetwork = valid.ToHashSet(StringComparer.Ordinal);
        valid.UnionWith(_registry.OtherNetworks(call.NetworkName));
        using var nft = config.Backend == PortmapConfig.Nftables ? OpenNft() : null;
        Backend(call, config, nft).Gc(valid);
        // A lost DEL leaves the record too: once the rules are gone, GC drops it so it neither leaks nor shields them.
        _registry.ForgetAllBut(call.NetworkName, ofThisNetwork);
    }

    /// <summary>STATUS: code 50 when nf_tables cannot be spoken to (no module, no CAP_NET_ADMIN).</summary>
    protected override void Status(PluginCall call, PortmapConfig config)
    {
        if (config.Backend != PortmapConfig.Nftables) return;
        try
        {
            using var nft = NftHandle.Open();
            nft.ListTables(NftFamily.Ip);
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.NotAvailable, $"portmap: nf_tables cannot be used: {e.Message}");
        }
    }

    private IPortmapBackend Backend(PluginCall call, PortmapConfig config, NftHandle? nft, IReadOnlyList<string>? recorded = null) =>
        config.Backend switch
        {
            PortmapConfig.Nftables => new NftPortmap(call.Log, nft!, recorded, _registry.Index),
            _ => new IptablesPortmap(call.NetworkName, nft),
        };

    private static NftHandle OpenNft()
    {
        try
        {
            return NftHandle.Open();
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"portmap: nf_tables cannot be used: {e.Message}");
        }
    }

    private static PortmapPlan Plan(PluginCall call, PortmapConfig config, CniResult prevResult)
    {
        var addresses = SandboxInterface.Addresses(prevResult, call.IfName);
        return new PortmapPlan(call.NetworkName, call.ContainerId, addresses.V4, addresses.V6, config.Mappings, config.Snat,
            config.MasqAll, config.MarkMasqBit, config.ExternalSetMarkChain, config.ConditionsV4, config.ConditionsV6);
    }

    /// <summary>
    /// Go's enableLocalnetRouting: route_localnet=1 on the host interface that routes to the container, so
    /// 127.0.0.1:hostPort can be DNAT'd out of it (the localnet_guard chain closes the hole this opens).
    /// </summary>
    private static void EnableLocalnetRouting(IpAddr container, PluginCall call)
    {
        string? ifName;
        try
        {
            using var rtnl = RtnlHandle.Open();
            ifName = rtnl.GetRouteTo(container.ToIp()) is { OutIndex: > 0 } route ? rtnl.GetLink(route.OutIndex)?.Name : null;
        }
        catch (NetlinkException e)
        {
            call.Log.Warning("portmap: no route to {Container} to enable route_localnet on: {Error}", container, e.Message);
            return;
        }
        if (ifName is null) return;
        try
        {
            Sysctl.Write(Sysctl.InterfaceKey("ipv4", ifName, "route_localnet"), "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NetlinkException)
        {
            throw new CniException(ErrorCode.Internal, $"unable to enable route_localnet: {e.Message}");
        }
    }
}
