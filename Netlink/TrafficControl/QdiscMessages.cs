using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;
using static CniBox.Netlink.Constants.Tca;

namespace CniBox.Netlink.TrafficControl;

/// <summary>RTM_*QDISC requests for the tbf and ingress qdiscs, as iproute2 6.1's tc sends them, and the dump parser.</summary>
public static class QdiscMessages
{
    public const string TbfKind = "tbf";
    public const string IngressKind = "ingress";

    public const ushort TCA_TBF_PARMS = 1;
    public const ushort TCA_TBF_RTAB = 2;
    public const ushort TCA_TBF_PTAB = 3;
    public const ushort TCA_TBF_RATE64 = 4;
    public const ushort TCA_TBF_PRATE64 = 5;
    public const ushort TCA_TBF_BURST = 6;
    public const ushort TCA_TBF_PBURST = 7;

    public const byte TC_LINKLAYER_UNAWARE = 0;
    public const byte TC_LINKLAYER_ETHERNET = 1;

    /// <summary>tc's rate table: 256 u32 transmit times.</summary>
    public const int RateTableEntries = 256;

    /// <summary>tc_calc_rtable's MTU when none is given.</summary>
    private const uint DefaultTableMtu = 2047;

    private const ushort CreateFlags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE;

    /// <summary>
    /// As <c>tc qdisc add dev X root handle 1: tbf rate R burst B limit L</c>: TCA_TBF_PARMS, TCA_TBF_BURST,
    /// TCA_TBF_RATE64 (rate of 2^32 bytes/s or more), TCA_TBF_RTAB, each only as <paramref name="tbf"/> asks.
    /// </summary>
    public static void AddTbf(ref NetlinkWriter w, uint seq, TbfOptions tbf)
    {
        var qopt = new TcTbfQopt
        {
            rate = new TcRateSpec { rate = tbf.Rate >= 1UL << 32 ? uint.MaxValue : (uint)tbf.Rate },
            limit = tbf.Limit,
            buffer = tbf.Buffer,
        };
        Span<uint> table = stackalloc uint[RateTableEntries];
        if (tbf.RateTable is { } clock) FillRateTable(ref qopt.rate, table, clock);
        w.BeginMessage(RTM_NEWQDISC, CreateFlags, seq);
        w.WriteStruct(new TcMsg { tcm_ifindex = tbf.LinkIndex, tcm_handle = tbf.Handle, tcm_parent = TC_H_ROOT });
        w.PutStringZ(TCA_KIND, TbfKind);
        NestToken options = w.BeginNest(TCA_OPTIONS);
        w.PutBytes(TCA_TBF_PARMS, MemoryMarshal.AsBytes(new ReadOnlySpan<TcTbfQopt>(in qopt)));
        if (tbf.Burst is { } burst) w.PutU32(TCA_TBF_BURST, burst);
        if (tbf.Rate >= 1UL << 32) w.PutU64(TCA_TBF_RATE64, tbf.Rate);
        if (tbf.RateTable is not null) w.PutBytes(TCA_TBF_RTAB, MemoryMarshal.AsBytes(table));
        w.EndNest(options);
        w.EndMessage();
    }

    /// <summary>As <c>tc qdisc add dev X handle ffff: ingress</c>.</summary>
    public static void AddIngress(ref NetlinkWriter w, uint seq, int linkIndex)
    {
        w.BeginMessage(RTM_NEWQDISC, CreateFlags, seq);
        w.WriteStruct(new TcMsg { tcm_ifindex = linkIndex, tcm_handle = TcHandle.Make(0xffff, 0), tcm_parent = TC_H_INGRESS });
        w.PutStringZ(TCA_KIND, IngressKind);
        w.EndMessage();
    }

    /// <summary>As <c>tc qdisc del dev X root</c> (<see cref="TC_H_ROOT"/>) or <c>tc qdisc del dev X ingress</c> (<see cref="TC_H_INGRESS"/>).</summary>
    public static void Delete(ref NetlinkWriter w, uint seq, int linkIndex, uint parent)
    {
        w.BeginMessage(RTM_DELQDISC, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new TcMsg { tcm_ifindex = linkIndex, tcm_parent = parent });
        w.EndMessage();
    }

    /// <summary>As <c>tc qdisc show</c> asks: a dump of every qdisc in the namespace (tc filters by device itself).</summary>
    public static void Dump(ref NetlinkWriter w, uint seq)
    {
        w.BeginMessage(RTM_GETQDISC, NLM_F_REQUEST | NLM_F_DUMP, seq);
        w.WriteStruct(new TcMsg());
        w.EndMessage();
    }

    /// <summary>Parses an RTM_NEWQDISC message; null for any other type.</summary>
    public static QdiscInfo? Parse(in NetlinkMessage message)
    {
        if (message.Type != RTM_NEWQDISC) return null;
        var tcm = message.ReadStruct<TcMsg>();
        string kind = "";
        TbfParameters? tbf = null;
        ReadOnlySpan<byte> options = default;
        foreach (NetlinkAttribute a in message.Attributes(Unsafe.SizeOf<TcMsg>()))
        {
            switch (a.Type)
            {
                case TCA_KIND: kind = a.GetString(); break;
                case TCA_OPTIONS: options = a.Payload; break;
            }
        }
        if (kind == TbfKind) tbf = ReadTbf(new AttributeReader(options));
        return new QdiscInfo(tcm.tcm_ifindex, tcm.tcm_handle, tcm.tcm_parent, kind, tbf);
    }

    private static TbfParameters? ReadTbf(AttributeReader options)
    {
        TcTbfQopt? qopt = null;
        ulong? rate64 = null;
        foreach (NetlinkAttribute a in options)
        {
            if (a.Type == TCA_TBF_PARMS && a.Payload.Length >= Unsafe.SizeOf<TcTbfQopt>()) qopt = MemoryMarshal.Read<TcTbfQopt>(a.Payload);
            else if (a.Type == TCA_TBF_RATE64) rate64 = a.GetU64();
        }
        return qopt is { } q ? new TbfParameters(rate64 ?? q.rate.rate, q.limit, q.buffer, q.rate.linklayer) : null;
    }

    /// <summary>tc_calc_rtable with tc's defaults (cell_log -1, MTU 2047, mpu 0, linklayer ethernet).</summary>
    private static void FillRateTable(ref TcRateSpec spec, Span<uint> table, PschedClock clock)
    {
        byte cellLog = 0;
        while ((DefaultTableMtu >> cellLog) > 255) cellLog++;
        for (var i = 0; i < RateTableEntries; i++)
            table[i] = clock.TransmitTime(spec.rate, (uint)(i + 1) << cellLog);
        spec.cell_align = -1;
        spec.cell_log = cellLog;
        spec.linklayer = TC_LINKLAYER_ETHERNET;
    }
}
