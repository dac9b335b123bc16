namespace CniBox.Netlink.Links;

/// <summary>The IFLA_IPVLAN_* attributes of an ipvlan.</summary>
/// <param name="Mode">IFLA_IPVLAN_MODE as the <c>ip</c> keyword: l2, l3 or l3s.</param>
/// <param name="Flags">IFLA_IPVLAN_FLAGS: IPVLAN_F_PRIVATE 1, IPVLAN_F_VEPA 2.</param>
public sealed record IpvlanData(string Mode, ushort Flags = 0) : LinkKindData;
