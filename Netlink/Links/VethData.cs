namespace CniBox.Netlink.Links;

/// <summary>
/// A veth's peer. The kernel sends no IFLA_INFO_DATA for a veth (VETH_INFO_PEER exists only in requests);
/// it names the peer through IFLA_LINK and, when the peer lives in another namespace, IFLA_LINK_NETNSID.
/// </summary>
/// <param name="PeerIndex">The peer's ifindex, valid in the peer's namespace.</param>
/// <param name="PeerNetNsId">The peer namespace's id as seen from this one; null when the peer is local.</param>
public sealed record VethData(int PeerIndex, int? PeerNetNsId) : LinkKindData;
