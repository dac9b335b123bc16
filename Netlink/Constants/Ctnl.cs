namespace CniBox.Netlink.Constants;

/// <summary>
/// ctnetlink values from <c>linux/netfilter/nfnetlink.h</c> and <c>linux/netfilter/nfnetlink_conntrack.h</c>, checked
/// with a C program against Debian's linux-libc-dev (6.1) headers, and the IPPROTO numbers of <c>netinet/in.h</c>.
/// ctnetlink attributes carry integers in network byte order; nests have NLA_F_NESTED set.
/// </summary>
public static class Ctnl
{
    public const ushort NFNL_SUBSYS_CTNETLINK = 1;

    // enum cntl_msg_types (message type = NFNL_SUBSYS_CTNETLINK << 8 | value)
    public const ushort IPCTNL_MSG_CT_NEW = 0;
    public const ushort IPCTNL_MSG_CT_GET = 1;
    public const ushort IPCTNL_MSG_CT_DELETE = 2;

    // enum ctattr_type
    public const ushort CTA_TUPLE_ORIG = 1;
    public const ushort CTA_TUPLE_REPLY = 2;
    public const ushort CTA_STATUS = 3;
    public const ushort CTA_PROTOINFO = 4;
    public const ushort CTA_TIMEOUT = 7;
    public const ushort CTA_MARK = 8;
    public const ushort CTA_USE = 11;
    public const ushort CTA_ID = 12;
    public const ushort CTA_ZONE = 18;
    public const ushort CTA_SYNPROXY = 24;
    public const ushort CTA_FILTER = 25;

    // enum ctattr_tuple
    public const ushort CTA_TUPLE_IP = 1;
    public const ushort CTA_TUPLE_PROTO = 2;
    public const ushort CTA_TUPLE_ZONE = 3;

    // enum ctattr_ip
    public const ushort CTA_IP_V4_SRC = 1;
    public const ushort CTA_IP_V4_DST = 2;
    public const ushort CTA_IP_V6_SRC = 3;
    public const ushort CTA_IP_V6_DST = 4;

    // enum ctattr_l4proto
    public const ushort CTA_PROTO_NUM = 1;
    public const ushort CTA_PROTO_SRC_PORT = 2;
    public const ushort CTA_PROTO_DST_PORT = 3;

    // netinet/in.h
    public const byte IPPROTO_ICMP = 1;
    public const byte IPPROTO_TCP = 6;
    public const byte IPPROTO_UDP = 17;
    public const byte IPPROTO_ICMPV6 = 58;
    public const byte IPPROTO_SCTP = 132;
}
