using CniBox.Netlink.BridgePorts;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;
using CniBox.Netlink.Socket;
using static CniBox.Netlink.Constants.Errno;

namespace CniBox.Netlink.Rtnl;

public sealed partial class RtnlHandle
{
    private const string VlanFilteringFeature = "bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING)";

    /// <summary><c>bridge link set dev X [hairpin on|off] [isolated on|off]</c>; nothing is sent when both are null.</summary>
    public void SetBridgePortFlags(int index, bool? hairpin = null, bool? isolated = null)
    {
        if (hairpin is null && isolated is null)
            return;
        Execute($"RTM_SETLINK #{index} bridge port{(hairpin is { } h ? $" hairpin {(h ? "on" : "off")}" : "")}{(isolated is { } i ? $" isolated {(i ? "on" : "off")}" : "")}",
            (ref NetlinkWriter w, uint seq) => BridgeMessages.SetPortFlags(ref w, seq, index, hairpin, isolated));
    }

    /// <summary><c>bridge vlan add dev X vid N [pvid] [untagged] [self] [master]</c></summary>
    /// <exception cref="NotSupportedByKernelException">The kernel lacks bridge VLAN filtering.</exception>
    public void AddBridgeVlan(int portIndex, BridgeVlan vlan, BridgeVlanTarget target = BridgeVlanTarget.Master) =>
        VlanOp($"RTM_SETLINK #{portIndex} bridge vlan add vid {vlan.Vid}",
            (ref NetlinkWriter w, uint seq) => BridgeMessages.AddVlan(ref w, seq, portIndex, vlan, target));

    /// <summary><c>bridge vlan del dev X vid N [self] [master]</c></summary>
    /// <exception cref="NotSupportedByKernelException">The kernel lacks bridge VLAN filtering.</exception>
    public void DeleteBridgeVlan(int portIndex, ushort vid, BridgeVlanTarget target = BridgeVlanTarget.Master) =>
        VlanOp($"RTM_DELLINK #{portIndex} bridge vlan del vid {vid}",
            (ref NetlinkWriter w, uint seq) => BridgeMessages.DeleteVlan(ref w, seq, portIndex, vid, target));

    /// <summary><c>bridge vlan show dev X</c>; empty when the port has no VLANs (always so without VLAN filtering).</summary>
    public IReadOnlyList<BridgeVlan> ListBridgeVlans(int portIndex)
    {
        var vlans = new List<BridgeVlan>();
        foreach (var port in Dump("RTM_GETLINK AF_BRIDGE vlan dump", BridgeMessages.DumpVlans, ParsePortVlans))
            if (port.Index == portIndex) vlans.AddRange(port.Vlans);
        return vlans;
    }

    private sealed record PortVlans(int Index, List<BridgeVlan> Vlans);

    private static PortVlans? ParsePortVlans(in NetlinkMessage message)
    {
        List<BridgeVlan> vlans = BridgeMessages.ParseVlans(in message, out int index);
        return new PortVlans(index, vlans);
    }

    private void VlanOp(string operation, RequestBuilder build)
    {
        try
        {
            Execute(operation, build);
        }
        catch (NetlinkException e) when (e.Errno == EOPNOTSUPP)
        {
            throw new NotSupportedByKernelException(VlanFilteringFeature, e);
        }
    }
}
