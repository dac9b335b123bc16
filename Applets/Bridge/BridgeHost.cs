using System.Net.Sockets;
using CniBox.Applets.Common;
using CniBox.Netlink;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.BridgePorts;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using Serilog;
using static CniBox.Netlink.Constants.Errno;

namespace CniBox.Applets.Bridge;

/// <summary>The host-namespace half of bridge ADD: the bridge itself, its ports and its gateway addresses.</summary>
internal static class BridgeHost
{
    /// <summary>
    /// ensureBridge: reuse the link named <see cref="BridgeConfig.BridgeName"/> when it is a bridge (anything else
    /// is an error, found before touching it), else create it with the MTU (and vlan_filtering when VLANs are
    /// configured). Then promisc if asked, <c>accept_ra=0</c>, up.
    /// </summary>
    public static LinkInfo Ensure(RtnlHandle host, BridgeConfig cfg, ILogger log)
    {
        var name = cfg.BridgeName;
        var br = host.GetLink(name);
        if (br is null)
        {
            try
            {
                host.AddBridge(name, cfg.Mtu, cfg.WantsVlanFiltering);
            }
            catch (NotSupportedByKernelException e)
            {
                throw new CniException(ErrorCode.Internal,
                    $"failed to create bridge \"{name}\": vlan/vlanTrunk need bridge VLAN filtering, which this kernel does not support ({e.ExtAckMessage ?? "EOPNOTSUPP"})");
            }
            catch (NetlinkException e) when (e.Errno == EEXIST)
            {
                // A concurrent ADD created it between our lookup and our request: reuse it, as Go does.
            }
            catch (NetlinkException e)
            {
                throw new CniException(ErrorCode.Internal, $"failed to create bridge \"{name}\": could not add \"{name}\": {e.Message}");
            }
            br = host.GetLink(name) ?? throw new CniException(ErrorCode.Internal, $"failed to create bridge \"{name}\": could not lookup \"{name}\"");
        }
        if (br.Kind != "bridge")
            throw new CniException(ErrorCode.Internal, $"failed to create bridge \"{name}\": \"{name}\" already exists but is not a bridge");
        if (cfg.PromiscMode && !br.IsPromisc) host.SetLinkPromisc(br.Index, true);
        TrySysctl(Sysctl.InterfaceKey("ipv6", name, "accept_ra"), "0", log);
        if (!br.IsUp) host.SetLinkUp(br.Index);
        return br;
    }

    /// <summary>
    /// Enslaves a host veth end: master, then hairpin and isolation flags in one request, then the VLANs (the
    /// port's existing VIDs removed first unless PreserveDefaultVlan; the access VID as PVID+untagged; trunk
    /// VIDs tagged), all with the master flag.
    /// </summary>
    public static void AttachPort(RtnlHandle host, LinkInfo br, LinkInfo port, BridgePortOptions options)
    {
        try
        {
            host.SetLinkMaster(port.Index, br.Index);
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to connect \"{port.Name}\" to bridge {br.Name}: {e.Message}");
        }
        try
        {
            host.SetBridgePortFlags(port.Index, hairpin: options.Hairpin, isolated: options.Isolated ? true : null);
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to setup hairpin mode / isolation for {port.Name}: {e.Message}");
        }
        if (options.Vlan == 0 && options.TrunkVlans.Count == 0) return;
        try
        {
            if (!options.PreserveDefaultVlan)
                foreach (var v in host.ListBridgeVlans(port.Index))
                    host.DeleteBridgeVlan(port.Index, v.Vid);
            if (options.Vlan != 0) host.AddBridgeVlan(port.Index, new BridgeVlan((ushort)options.Vlan, Pvid: true, Untagged: true));
            foreach (var v in options.TrunkVlans) host.AddBridgeVlan(port.Index, new BridgeVlan((ushort)v, Pvid: false, Untagged: false));
        }
        catch (NotSupportedByKernelException e)
        {
            throw new CniException(ErrorCode.Internal,
                $"failed to setup vlan tag on interface \"{port.Name}\": bridge {br.Name} has no VLAN filtering on this kernel ({e.ExtAckMessage ?? "EOPNOTSUPP"})");
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to setup vlan tag on interface \"{port.Name}\": {e.Message}");
        }
    }

    /// <summary>
    /// ensureVlanInterface: the host-netns veth <c>&lt;br&gt;.&lt;vlan&gt;</c> that carries the gateway of a VLAN,
    /// its random-named peer an access port of the bridge. Reused when it exists.
    /// </summary>
    public static LinkInfo EnsureVlanInterface(RtnlHandle host, LinkInfo br, BridgeConfig cfg, ILogger log)
    {
        var name = $"{br.Name}.{cfg.Vlan}";
        if (host.GetLink(name) is { } existing) return existing;
        var ends = Veth.Setup(host, host, new VethOptions(name) { Mtu = br.Mtu }, log);
        try
        {
            AttachPort(host, br, ends.Host, new BridgePortOptions { Vlan = cfg.Vlan, PreserveDefaultVlan = cfg.PreserveDefaultVlan });
            host.SetLinkUp(ends.Container.Index);
        }
        catch (Exception e)
        {
            Rollback.Run(log, $"delete {name}", () => host.DeleteLink(ends.Container.Index));
            throw new CniException(ErrorCode.Internal, $"failed to create vlan interface: faild to create vlan gateway \"{name}\": {(e as CniException)?.Msg ?? e.Message}");
        }
        return host.GetLink(ends.Container.Index) ?? ends.Container;
    }

    /// <summary>
    /// ensureAddr: puts <paramref name="gw"/> on <paramref name="link"/>. Already there: nothing to do. Another
    /// IPv4 address, or an overlapping IPv6 one, is an error unless forceAddress (then it is replaced). After
    /// adding, the link's MAC is set to itself so a bridge stops following its ports' MACs.
    /// </summary>
    public static void EnsureAddress(RtnlHandle host, LinkInfo link, IpNet gw, bool force)
    {
        var family = gw.Address.IsV4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        var want = gw.Address.ToIp();
        foreach (var a in host.DumpAddresses(family, link.Index))
        {
            if (a.Address.Equals(want) && a.PrefixLength == gw.FamilyPrefix) return;
            var existing = Addresses.ParseCidr($"{a.Address}/{a.PrefixLength}", "address");
            if (gw.Address.IsV4 || existing.Contains(gw.Address) || gw.Contains(existing.Address))
            {
                if (!force)
                    throw new CniException(ErrorCode.Internal, $"\"{link.Name}\" already has an IP address different from {gw}");
                try
                {
                    host.DeleteAddress(link.Index, a.Address, a.PrefixLength);
                }
                catch (NetlinkException e)
                {
                    throw new CniException(ErrorCode.Internal, $"could not remove IP address from \"{link.Name}\": {e.Message}");
                }
            }
        }
        try
        {
            host.AddAddress(new AddrSpec(link.Index, want, gw.FamilyPrefix) { Broadcast = gw.Broadcast() });
        }
        catch (NetlinkException e) when (e.Errno == EEXIST)
        {
            // Already there (a concurrent ADD of the same network put it on first).
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"could not add IP address to \"{link.Name}\": {e.Message}");
        }
        if (link.Mac is { } mac)
        {
            try
            {
                host.SetLinkMac(link.Index, mac);
            }
            catch (NetlinkException e)
            {
                throw new CniException(ErrorCode.Internal, $"could not set bridge's mac: {e.Message}");
            }
        }
    }

    private static void TrySysctl(string key, string value, ILogger log)
    {
        try
        {
            Sysctl.Write(key, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Debug("sysctl {Key}={Value} failed: {Message}", key, value, e.Message);
        }
    }
}
