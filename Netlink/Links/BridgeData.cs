namespace CniBox.Netlink.Links;

/// <summary>The IFLA_BR_* attributes of a bridge that <c>ip -d link show</c> prints and CNI configs set.</summary>
public sealed record BridgeData : LinkKindData
{
    /// <summary>IFLA_BR_VLAN_FILTERING (<c>vlan_filtering</c>).</summary>
    public bool VlanFiltering { get; init; }

    /// <summary>IFLA_BR_VLAN_DEFAULT_PVID; null on kernels without CONFIG_BRIDGE_VLAN_FILTERING, which omit it.</summary>
    public ushort? VlanDefaultPvid { get; init; }

    /// <summary>IFLA_BR_STP_STATE: 0 off, 1 kernel STP, 2 user-space STP.</summary>
    public uint StpState { get; init; }

    /// <summary>IFLA_BR_AGEING_TIME in centiseconds (clock_t at USER_HZ 100), 30000 by default.</summary>
    public uint AgeingTime { get; init; }

    /// <summary>IFLA_BR_MCAST_SNOOPING (<c>mcast_snooping</c>).</summary>
    public bool MulticastSnooping { get; init; }
}
