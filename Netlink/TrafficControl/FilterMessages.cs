using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;
using static CniBox.Netlink.Constants.Tca;

namespace CniBox.Netlink.TrafficControl;

/// <summary>RTM_NEWTFILTER for a match-all u32 filter with mirred actions, as iproute2 6.1's tc sends it.</summary>
public static class FilterMessages
{
    public const string U32Kind = "u32";
    public const string MirredKind = "mirred";

    public const ushort TCA_U32_CLASSID = 1;
    public const ushort TCA_U32_HASH = 2;
    public const ushort TCA_U32_LINK = 3;
    public const ushort TCA_U32_DIVISOR = 4;
    public const ushort TCA_U32_SEL = 5;
    public const ushort TCA_U32_POLICE = 6;
    public const ushort TCA_U32_ACT = 7;

    /// <summary>tc_u32_sel.flags: the filter's verdict ends classification.</summary>
    public const byte TC_U32_TERMINAL = 1;

    public const ushort TCA_ACT_KIND = 1;
    public const ushort TCA_ACT_OPTIONS = 2;
    public const ushort TCA_MIRRED_PARMS = 2;

    public const int TCA_EGRESS_REDIR = 1;
    public const int TCA_EGRESS_MIRROR = 2;

    public const int TC_ACT_OK = 0;
    public const int TC_ACT_SHOT = 2;
    public const int TC_ACT_STOLEN = 4;

    /// <summary>ETH_P_ALL: <c>protocol all</c>.</summary>
    public const ushort EthPAll = 0x0003;

    /// <summary>
    /// As <c>tc filter add dev X parent P protocol all prio N u32 match u32 0 0 [flowid C] action mirred egress
    /// redirect dev Y ...</c>: TCA_U32_CLASSID, TCA_U32_ACT (one nest per action, numbered from 1, its options
    /// flagged NLA_F_NESTED as tc does), then TCA_U32_SEL with one all-zero key, terminal.
    /// </summary>
    public static void AddU32MatchAll(ref NetlinkWriter w, uint seq, U32MatchAllOptions filter)
    {
        w.BeginMessage(RTM_NEWTFILTER, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, seq);
        w.WriteStruct(new TcMsg
        {
            tcm_ifindex = filter.LinkIndex,
            tcm_parent = filter.Parent,
            tcm_info = TcHandle.FilterInfo(filter.Priority, EthPAll),
        });
        w.PutStringZ(TCA_KIND, U32Kind);
        NestToken options = w.BeginNest(TCA_OPTIONS);
        if (filter.ClassId != 0) w.PutU32(TCA_U32_CLASSID, filter.ClassId);
        if (filter.Actions.Count > 0)
        {
            NestToken actions = w.BeginNest(TCA_U32_ACT);
            for (var i = 0; i < filter.Actions.Count; i++) PutMirred(ref w, (ushort)(i + 1), filter.Actions[i]);
            w.EndNest(actions);
        }
        var sel = new TcU32Sel { flags = filter.Actions.Count > 0 || filter.ClassId != 0 ? TC_U32_TERMINAL : (byte)0, nkeys = 1 };
        Span<byte> selector = stackalloc byte[Unsafe.SizeOf<TcU32Sel>() + Unsafe.SizeOf<TcU32Key>()];
        selector.Clear();
        MemoryMarshal.Write(selector, in sel);
        w.PutBytes(TCA_U32_SEL, selector);
        w.EndNest(options);
        w.EndMessage();
    }

    private static void PutMirred(ref NetlinkWriter w, ushort order, MirredAction action)
    {
        var parms = new TcMirred { action = action.Verdict, eaction = action.Direction, ifindex = (uint)action.TargetIndex };
        NestToken nest = w.BeginNest(order);
        w.PutStringZ(TCA_ACT_KIND, MirredKind);
        NestToken actOptions = w.BeginNest(TCA_ACT_OPTIONS, setNestedFlag: true);
        w.PutBytes(TCA_MIRRED_PARMS, MemoryMarshal.AsBytes(new ReadOnlySpan<TcMirred>(in parms)));
        w.EndNest(actOptions);
        w.EndNest(nest);
    }
}
