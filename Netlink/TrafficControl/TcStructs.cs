using System.Runtime.InteropServices;

namespace CniBox.Netlink.TrafficControl;

/// <summary>struct tc_ratespec (linux/pkt_sched.h), 12 bytes: a rate in bytes/s and how the rate table was built.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcRateSpec
{
    public byte cell_log;

    /// <summary>TC_LINKLAYER_UNAWARE 0 (what Go's netlink sends), ETHERNET 1 (tc), ATM 2.</summary>
    public byte linklayer;

    public ushort overhead;
    public short cell_align;
    public ushort mpu;

    /// <summary>Bytes per second; ~0 when the real rate needs TCA_TBF_RATE64.</summary>
    public uint rate;
}

/// <summary>struct tc_tbf_qopt, 36 bytes: TCA_TBF_PARMS.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcTbfQopt
{
    public TcRateSpec rate;
    public TcRateSpec peakrate;

    /// <summary>Bytes that may wait in the queue.</summary>
    public uint limit;

    /// <summary>The bucket, in psched ticks (<see cref="PschedClock"/>).</summary>
    public uint buffer;

    public uint mtu;
}

/// <summary>struct tc_mirred (linux/tc_act/tc_mirred.h), 28 bytes: tc_gen (index, capab, action, refcnt, bindcnt), eaction, ifindex.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcMirred
{
    public uint index;
    public uint capab;

    /// <summary>The verdict after mirroring: TC_ACT_STOLEN for a redirect as tc sets it, TC_ACT_OK ("pass").</summary>
    public int action;

    public int refcnt;
    public int bindcnt;

    /// <summary>TCA_EGRESS_REDIR 1, TCA_EGRESS_MIRROR 2, TCA_INGRESS_REDIR 3, TCA_INGRESS_MIRROR 4.</summary>
    public int eaction;

    public uint ifindex;
}

/// <summary>struct tc_u32_sel without its flexible key array, 16 bytes; <see cref="TcU32Key"/>s follow it.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcU32Sel
{
    public byte flags;
    public byte offshift;
    public byte nkeys;
    public byte pad;
    public ushort offmask;
    public ushort off;
    public short offoff;
    public short hoff;
    public uint hmask;
}

/// <summary>struct tc_u32_key, 16 bytes: mask and value are network byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcU32Key
{
    public uint mask;
    public uint val;
    public int off;
    public int offmask;
}
