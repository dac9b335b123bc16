namespace CniBox.Netlink.Constants;

/// <summary>Route attributes, types, protocols and tables from <c>linux/rtnetlink.h</c>.</summary>
public static class Rta
{
    public const ushort RTA_DST = 1;
    public const ushort RTA_SRC = 2;
    public const ushort RTA_IIF = 3;
    public const ushort RTA_OIF = 4;
    public const ushort RTA_GATEWAY = 5;
    public const ushort RTA_PRIORITY = 6;
    public const ushort RTA_PREFSRC = 7;
    public const ushort RTA_METRICS = 8;
    public const ushort RTA_MULTIPATH = 9;
    public const ushort RTA_TABLE = 15;

    public const ushort RTAX_MTU = 2;
    public const ushort RTAX_ADVMSS = 8;

    public const byte RTPROT_UNSPEC = 0;
    public const byte RTPROT_KERNEL = 2;
    public const byte RTPROT_BOOT = 3;
    public const byte RTPROT_STATIC = 4;

    public const byte RT_TABLE_UNSPEC = 0;
    /// <summary>What the kernel puts in rtm_table when the real id (in RTA_TABLE) does not fit 8 bits.</summary>
    public const byte RT_TABLE_COMPAT = 252;
    public const byte RT_TABLE_DEFAULT = 253;
    public const byte RT_TABLE_MAIN = 254;
    public const byte RT_TABLE_LOCAL = 255;

    /// <summary>sizeof(struct rtnexthop): len u16, flags u8, hops u8, ifindex i32.</summary>
    public const int RTNH_SIZE = 8;
}
