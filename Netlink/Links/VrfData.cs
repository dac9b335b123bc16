namespace CniBox.Netlink.Links;

/// <summary>The IFLA_VRF_* attributes of a VRF device: the routing table its ports' routes live in.</summary>
public sealed record VrfData(uint Table) : LinkKindData;
