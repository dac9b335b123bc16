namespace CniBox.Netlink.Constants;

/// <summary>Link attributes from <c>linux/if_link.h</c>.</summary>
public static class Ifla
{
    public const ushort IFLA_ADDRESS = 1;
    public const ushort IFLA_BROADCAST = 2;
    public const ushort IFLA_IFNAME = 3;
    public const ushort IFLA_MTU = 4;
    public const ushort IFLA_LINK = 5;
    public const ushort IFLA_MASTER = 10;
    public const ushort IFLA_PROTINFO = 12;
    public const ushort IFLA_TXQLEN = 13;
    public const ushort IFLA_OPERSTATE = 16;
    public const ushort IFLA_LINKINFO = 18;
    public const ushort IFLA_IFALIAS = 20;
    public const ushort IFLA_AF_SPEC = 26;
    public const ushort IFLA_NET_NS_FD = 28;
    public const ushort IFLA_EXT_MASK = 29;
    public const ushort IFLA_PROMISCUITY = 30;
    public const ushort IFLA_LINK_NETNSID = 37;
    public const ushort IFLA_ALT_IFNAME = 53;

    public const ushort IFLA_INFO_KIND = 1;
    public const ushort IFLA_INFO_DATA = 2;
    public const ushort IFLA_INFO_SLAVE_KIND = 4;
    public const ushort IFLA_INFO_SLAVE_DATA = 5;

    /// <summary>linux/veth.h: the peer's ifinfomsg + attributes inside IFLA_INFO_DATA.</summary>
    public const ushort VETH_INFO_PEER = 1;

    public const ushort IFLA_BR_AGEING_TIME = 4;
    public const ushort IFLA_BR_STP_STATE = 5;
    public const ushort IFLA_BR_VLAN_FILTERING = 7;
    public const ushort IFLA_BR_MCAST_SNOOPING = 23;
    public const ushort IFLA_BR_VLAN_DEFAULT_PVID = 39;

    public const ushort IFLA_MACVLAN_MODE = 1;
    public const ushort IFLA_MACVLAN_FLAGS = 2;
    public const ushort IFLA_MACVLAN_BC_QUEUE_LEN = 7;
    public const uint MACVLAN_MODE_PRIVATE = 1;
    public const uint MACVLAN_MODE_VEPA = 2;
    public const uint MACVLAN_MODE_BRIDGE = 4;
    public const uint MACVLAN_MODE_PASSTHRU = 8;
    public const uint MACVLAN_MODE_SOURCE = 16;

    /// <summary>Bridge port attributes (IFLA_PROTINFO of AF_BRIDGE, IFLA_INFO_SLAVE_DATA of a bridge port).</summary>
    public const ushort IFLA_BRPORT_STATE = 1;
    public const ushort IFLA_BRPORT_MODE = 4;
    public const ushort IFLA_BRPORT_ISOLATED = 33;

    /// <summary>linux/if_bridge.h: IFLA_AF_SPEC contents for AF_BRIDGE.</summary>
    public const ushort IFLA_BRIDGE_FLAGS = 0;
    public const ushort IFLA_BRIDGE_VLAN_INFO = 2;
    public const ushort BRIDGE_FLAGS_MASTER = 1;
    public const ushort BRIDGE_FLAGS_SELF = 2;
    public const ushort BRIDGE_VLAN_INFO_MASTER = 1 << 0;
    public const ushort BRIDGE_VLAN_INFO_PVID = 1 << 1;
    public const ushort BRIDGE_VLAN_INFO_UNTAGGED = 1 << 2;

    public const ushort ARPHRD_ETHER = 1;
    public const ushort ARPHRD_LOOPBACK = 772;
    public const ushort ARPHRD_NONE = 0xfffe;
}
