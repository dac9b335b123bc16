namespace CniBox.Netlink.Constants;

/// <summary>
/// Traffic control: the top-level TCA_* attributes after a tcmsg (enum in <c>linux/rtnetlink.h</c>) and the
/// TC_H_* handle values of <c>linux/pkt_sched.h</c>. Per-qdisc, filter and action attributes (TCA_TBF_*,
/// TCA_U32_*, TCA_MIRRED_*) belong to the code that builds those objects.
/// </summary>
public static class Tca
{
    public const ushort TCA_KIND = 1;
    public const ushort TCA_OPTIONS = 2;
    public const ushort TCA_STATS = 3;
    public const ushort TCA_XSTATS = 4;
    public const ushort TCA_RATE = 5;
    public const ushort TCA_FCNT = 6;
    public const ushort TCA_STATS2 = 7;
    public const ushort TCA_STAB = 8;
    public const ushort TCA_PAD = 9;
    public const ushort TCA_DUMP_INVISIBLE = 10;
    public const ushort TCA_CHAIN = 11;
    public const ushort TCA_HW_OFFLOAD = 12;
    public const ushort TCA_INGRESS_BLOCK = 13;
    public const ushort TCA_EGRESS_BLOCK = 14;
    public const ushort TCA_DUMP_FLAGS = 15;
    public const ushort TCA_EXT_WARN_MSG = 16;

    public const uint TC_H_MAJ_MASK = 0xFFFF0000;
    public const uint TC_H_MIN_MASK = 0x0000FFFF;
    public const uint TC_H_UNSPEC = 0;
    public const uint TC_H_ROOT = 0xFFFFFFFF;
    public const uint TC_H_INGRESS = 0xFFFFFFF1;
    public const uint TC_H_CLSACT = TC_H_INGRESS;
    public const ushort TC_H_MIN_INGRESS = 0xFFF2;
    public const ushort TC_H_MIN_EGRESS = 0xFFF3;
}
