namespace CniBox.Netlink.Links;

/// <summary>The IFLA_MACVLAN_* attributes of a macvlan.</summary>
/// <param name="Mode">IFLA_MACVLAN_MODE as the <c>ip</c> keyword: private, vepa, bridge, passthru or source.</param>
/// <param name="Flags">IFLA_MACVLAN_FLAGS: MACVLAN_FLAG_NOPROMISC 1, MACVLAN_FLAG_NODST 2.</param>
/// <param name="BroadcastQueueLength">IFLA_MACVLAN_BC_QUEUE_LEN (<c>bcqueuelen</c>); null on kernels before 5.11.</param>
public sealed record MacvlanData(string Mode, ushort Flags = 0, uint? BroadcastQueueLength = null) : LinkKindData;
