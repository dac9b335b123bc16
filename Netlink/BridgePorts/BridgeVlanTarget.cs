using static CniBox.Netlink.Constants.Ifla;

namespace CniBox.Netlink.BridgePorts;

/// <summary>
/// IFLA_BRIDGE_FLAGS: where <c>bridge vlan add|del</c> applies a VLAN. <see cref="Master"/> is the software bridge
/// (the default of the <c>bridge</c> tool); <see cref="Self"/> is the port device itself (switch offload).
/// </summary>
[Flags]
public enum BridgeVlanTarget : ushort
{
    /// <summary>No IFLA_BRIDGE_FLAGS at all: the kernel applies the VLAN to the bridge.</summary>
    None = 0,
    Master = BRIDGE_FLAGS_MASTER,
    Self = BRIDGE_FLAGS_SELF,
}
