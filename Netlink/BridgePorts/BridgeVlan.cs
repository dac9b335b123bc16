namespace CniBox.Netlink.BridgePorts;

/// <summary>One VLAN of a bridge port as <c>bridge vlan show dev X</c> lists it.</summary>
/// <param name="Pvid">BRIDGE_VLAN_INFO_PVID: untagged ingress frames get this VID.</param>
/// <param name="Untagged">BRIDGE_VLAN_INFO_UNTAGGED: the tag is stripped on egress.</param>
public sealed record BridgeVlan(ushort Vid, bool Pvid, bool Untagged);
