namespace CniBox.Netlink.Links;

/// <summary>The IFLA_VLAN_* attributes of a vlan link.</summary>
/// <param name="VlanId">IFLA_VLAN_ID.</param>
public sealed record VlanData(int VlanId) : LinkKindData;
