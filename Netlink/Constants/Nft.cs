namespace CniBox.Netlink.Constants;

/// <summary>
/// Values from <c>linux/netfilter/nfnetlink.h</c>, <c>linux/netfilter/nf_tables.h</c>, <c>linux/netfilter.h</c> and
/// <c>linux/netfilter/nf_nat.h</c>, checked with a C program against Debian's linux-libc-dev (6.1) headers.
/// nf_tables attributes carry integers in network byte order.
/// </summary>
public static class Nft
{
    // nfnetlink.h
    public const ushort NFNL_MSG_BATCH_BEGIN = 0x10;
    public const ushort NFNL_MSG_BATCH_END = 0x11;
    public const ushort NFNL_SUBSYS_NFTABLES = 10;
    public const byte NFNETLINK_V0 = 0;

    // nf_tables.h: enum nf_tables_msg_types (message type = NFNL_SUBSYS_NFTABLES << 8 | value)
    public const ushort NFT_MSG_NEWTABLE = 0;
    public const ushort NFT_MSG_GETTABLE = 1;
    public const ushort NFT_MSG_DELTABLE = 2;
    public const ushort NFT_MSG_NEWCHAIN = 3;
    public const ushort NFT_MSG_GETCHAIN = 4;
    public const ushort NFT_MSG_DELCHAIN = 5;
    public const ushort NFT_MSG_NEWRULE = 6;
    public const ushort NFT_MSG_GETRULE = 7;
    public const ushort NFT_MSG_DELRULE = 8;
    public const ushort NFT_MSG_GETGEN = 16;

    public const ushort NFTA_LIST_ELEM = 1;

    public const ushort NFTA_HOOK_HOOKNUM = 1;
    public const ushort NFTA_HOOK_PRIORITY = 2;

    public const ushort NFTA_TABLE_NAME = 1;
    public const ushort NFTA_TABLE_FLAGS = 2;
    public const ushort NFTA_TABLE_USE = 3;
    public const ushort NFTA_TABLE_HANDLE = 4;
    public const ushort NFTA_TABLE_USERDATA = 6;

    public const ushort NFTA_CHAIN_TABLE = 1;
    public const ushort NFTA_CHAIN_HANDLE = 2;
    public const ushort NFTA_CHAIN_NAME = 3;
    public const ushort NFTA_CHAIN_HOOK = 4;
    public const ushort NFTA_CHAIN_POLICY = 5;
    public const ushort NFTA_CHAIN_USE = 6;
    public const ushort NFTA_CHAIN_TYPE = 7;
    public const ushort NFTA_CHAIN_FLAGS = 10;
    public const ushort NFTA_CHAIN_USERDATA = 12;

    public const ushort NFTA_RULE_TABLE = 1;
    public const ushort NFTA_RULE_CHAIN = 2;
    public const ushort NFTA_RULE_HANDLE = 3;
    public const ushort NFTA_RULE_EXPRESSIONS = 4;
    public const ushort NFTA_RULE_POSITION = 6;
    public const ushort NFTA_RULE_USERDATA = 7;

    public const ushort NFTA_EXPR_NAME = 1;
    public const ushort NFTA_EXPR_DATA = 2;

    public const ushort NFTA_DATA_VALUE = 1;
    public const ushort NFTA_DATA_VERDICT = 2;
    public const ushort NFTA_VERDICT_CODE = 1;
    public const ushort NFTA_VERDICT_CHAIN = 2;

    public const ushort NFTA_IMMEDIATE_DREG = 1;
    public const ushort NFTA_IMMEDIATE_DATA = 2;

    public const ushort NFTA_META_DREG = 1;
    public const ushort NFTA_META_KEY = 2;

    public const ushort NFTA_PAYLOAD_DREG = 1;
    public const ushort NFTA_PAYLOAD_BASE = 2;
    public const ushort NFTA_PAYLOAD_OFFSET = 3;
    public const ushort NFTA_PAYLOAD_LEN = 4;

    public const ushort NFTA_CMP_SREG = 1;
    public const ushort NFTA_CMP_OP = 2;
    public const ushort NFTA_CMP_DATA = 3;

    public const ushort NFTA_BITWISE_SREG = 1;
    public const ushort NFTA_BITWISE_DREG = 2;
    public const ushort NFTA_BITWISE_LEN = 3;
    public const ushort NFTA_BITWISE_MASK = 4;
    public const ushort NFTA_BITWISE_XOR = 5;
    public const ushort NFTA_BITWISE_OP = 6;

    /// <summary>enum nft_bitwise_ops: NFT_BITWISE_BOOL, the mask-and-xor form.</summary>
    public const uint NFT_BITWISE_BOOL = 0;

    public const ushort NFTA_LOOKUP_SET = 1;
    public const ushort NFTA_LOOKUP_SREG = 2;

    public const ushort NFTA_MASQ_FLAGS = 1;
    public const ushort NFTA_MASQ_REG_PROTO_MIN = 2;
    public const ushort NFTA_MASQ_REG_PROTO_MAX = 3;

    public const ushort NFTA_NAT_TYPE = 1;
    public const ushort NFTA_NAT_FAMILY = 2;
    public const ushort NFTA_NAT_REG_ADDR_MIN = 3;
    public const ushort NFTA_NAT_REG_ADDR_MAX = 4;
    public const ushort NFTA_NAT_REG_PROTO_MIN = 5;
    public const ushort NFTA_NAT_REG_PROTO_MAX = 6;
    public const ushort NFTA_NAT_FLAGS = 7;

    public const ushort NFTA_COUNTER_BYTES = 1;
    public const ushort NFTA_COUNTER_PACKETS = 2;

    // enum nft_registers: 0 is the verdict register, 1..4 the 16-byte data registers.
    public const uint NFT_REG_VERDICT = 0;
    public const uint NFT_REG_1 = 1;
    public const uint NFT_REG_2 = 2;

    // enum nft_verdicts and linux/netfilter.h NF_DROP / NF_ACCEPT
    public const int NF_DROP = 0;
    public const int NF_ACCEPT = 1;
    public const int NFT_CONTINUE = -1;
    public const int NFT_BREAK = -2;
    public const int NFT_JUMP = -3;
    public const int NFT_GOTO = -4;
    public const int NFT_RETURN = -5;

    // enum nft_cmp_ops
    public const uint NFT_CMP_EQ = 0;
    public const uint NFT_CMP_NEQ = 1;

    // enum nft_payload_bases
    public const uint NFT_PAYLOAD_LL_HEADER = 0;
    public const uint NFT_PAYLOAD_NETWORK_HEADER = 1;
    public const uint NFT_PAYLOAD_TRANSPORT_HEADER = 2;

    // enum nft_meta_keys
    public const uint NFT_META_IIFNAME = 6;
    public const uint NFT_META_OIFNAME = 7;
    public const uint NFT_META_NFPROTO = 15;
    public const uint NFT_META_L4PROTO = 16;

    // enum nft_nat_types
    public const uint NFT_NAT_SNAT = 0;
    public const uint NFT_NAT_DNAT = 1;

    // enum nft_fib_attributes, nft_fib_result, nft_fib_flags (linux/netfilter/nf_tables.h)
    public const ushort NFTA_FIB_DREG = 1;
    public const ushort NFTA_FIB_RESULT = 2;
    public const ushort NFTA_FIB_FLAGS = 3;
    public const uint NFT_FIB_RESULT_ADDRTYPE = 3;
    public const uint NFTA_FIB_F_SADDR = 1;
    public const uint NFTA_FIB_F_DADDR = 2;

    /// <summary>RTN_LOCAL (linux/rtnetlink.h): what <c>fib daddr type local</c> compares the address type with.</summary>
    public const uint RTN_LOCAL = 2;

    // enum nft_ct_attributes, nft_ct_keys (linux/netfilter/nf_tables.h), IPS_DST_NAT (nf_conntrack_common.h)
    public const ushort NFTA_CT_DREG = 1;
    public const ushort NFTA_CT_KEY = 2;
    public const uint NFT_CT_STATE = 0;
    public const uint NFT_CT_STATUS = 2;

    // NF_CT_STATE_BIT(IP_CT_ESTABLISHED) and (IP_CT_RELATED) (nf_conntrack_common.h): the bits of ct state
    public const uint NF_CT_STATE_ESTABLISHED = 2;
    public const uint NF_CT_STATE_RELATED = 4;
    public const uint IPS_DST_NAT = 0x20;

    // linux/netfilter/nf_nat.h
    public const uint NF_NAT_RANGE_MAP_IPS = 1;
    public const uint NF_NAT_RANGE_PROTO_SPECIFIED = 2;

    // enum nf_inet_hooks (linux/netfilter.h)
    public const uint NF_INET_PRE_ROUTING = 0;
    public const uint NF_INET_LOCAL_IN = 1;
    public const uint NF_INET_FORWARD = 2;
    public const uint NF_INET_LOCAL_OUT = 3;
    public const uint NF_INET_POST_ROUTING = 4;

    // NFPROTO_* (linux/netfilter.h): the nfgen_family of a table
    public const byte NFPROTO_UNSPEC = 0;
    public const byte NFPROTO_INET = 1;
    public const byte NFPROTO_IPV4 = 2;
    public const byte NFPROTO_ARP = 3;
    public const byte NFPROTO_NETDEV = 5;
    public const byte NFPROTO_BRIDGE = 7;
    public const byte NFPROTO_IPV6 = 10;

    /// <summary>IFNAMSIZ: nft compares interface names as 16 zero-padded bytes.</summary>
    public const int IFNAMSIZ = 16;

    /// <summary>libnftnl's NFTNL_UDATA_{TABLE,CHAIN,RULE}_COMMENT: user-data TLV type 0 in all three.</summary>
    public const byte NFTNL_UDATA_COMMENT = 0;

    /// <summary>NFT_USERDATA_MAXLEN: the kernel caps NFTA_*_USERDATA at 256 bytes.</summary>
    public const int NFT_USERDATA_MAXLEN = 256;
}
