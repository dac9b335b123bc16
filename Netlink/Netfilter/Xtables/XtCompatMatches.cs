using System.Buffers.Binary;
using System.Text;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary><c>-m comment --comment TEXT</c>: xt_comment rev 0, a 256-byte NUL-padded string.</summary>
public sealed class CommentMatch : XtMatch
{
    private const int InfoSize = 256;

    public override string Name => "comment";

    public string Comment { get; private set; } = "";

    private bool _set;

    internal override bool TryOption(string option, string value, bool invert)
    {
        if (option != "--comment")
            return false;
        if (invert)
            throw new XtRuleException("comment: --comment cannot be inverted");
        if (Encoding.UTF8.GetByteCount(value) >= InfoSize)
            throw new XtRuleException("comment: COMMENT must be shorter than 256 characters");
        Comment = value;
        _set = true;
        return true;
    }

    internal override void Complete()
    {
        if (!_set)
            throw new XtRuleException("comment: option \"--comment\" must be specified");
    }

    internal override void Encode(List<NftExpr> program, XtRule rule)
    {
        byte[] info = new byte[InfoSize];
        Encoding.UTF8.GetBytes(Comment, info);
        program.Add(new XtMatchExpr(Name, 0, info));
    }

    public override void Save(StringBuilder s)
    {
        s.Append(" --comment");
        SaveString(s, Comment);
    }

    internal static CommentMatch? FromInfo(uint revision, byte[] info)
    {
        if (revision != 0 || info.Length != InfoSize || Array.IndexOf(info, (byte)0) is not (>= 0 and var nul))
            return null;
        return info.AsSpan(nul).ContainsAnyExcept((byte)0) ? null : new CommentMatch { Comment = Encoding.UTF8.GetString(info, 0, nul), _set = true };
    }
}

/// <summary><c>-m conntrack [!] --ctstate STATES</c>: xt_conntrack_mtinfo3 (rev 3, 168 bytes) with only the state set.</summary>
public sealed class ConntrackMatch : XtMatch
{
    private const int InfoSize = 168, MatchFlagsOffset = 146, InvertFlagsOffset = 148, StateMaskOffset = 150;
    private const ushort StateFlag = 1;

    /// <summary>XT_CONNTRACK_STATE_* bits in the order conntrack's save prints them.</summary>
    private static readonly (string Name, ushort Bit)[] States =
    [
        ("INVALID", 1 << 0), ("NEW", 1 << 3), ("RELATED", 1 << 2), ("ESTABLISHED", 1 << 1), ("UNTRACKED", 1 << 8),
        ("SNAT", 1 << 6), ("DNAT", 1 << 7),
    ];

    public override string Name => "conntrack";

    public ushort StateMask { get; private set; }

    public bool Invert { get; private set; }

    internal override bool TryOption(string option, string value, bool invert)
    {
        if (option != "--ctstate")
            return false;
        foreach (string state in value.Split(','))
            StateMask |= StateBit(state) is var bit and not 0
                ? bit : throw new XtRuleException($"conntrack: bad ctstate \"{state}\"");
        Invert = invert;
        return true;
    }

    internal override void Complete()
    {
        if (StateMask == 0)
            throw new XtRuleException("conntrack: only --ctstate is supported here, and it is missing");
    }

    internal override void Encode(List<NftExpr> program, XtRule rule)
    {
        byte[] info = new byte[InfoSize];
        BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(MatchFlagsOffset), StateFlag);
        BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(InvertFlagsOffset), Invert ? StateFlag : (ushort)0);
        BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(StateMaskOffset), StateMask);
        program.Add(new XtMatchExpr(Name, 3, info));
    }

    public override void Save(StringBuilder s)
    {
        s.Append(Invert ? " ! --ctstate " : " --ctstate ");
        string separator = "";
        foreach (var (name, bit) in States)
        {
            if ((StateMask & bit) == 0) continue;
            s.Append(separator).Append(name);
            separator = ",";
        }
    }

    // Loops, not LINQ, over the (string, ushort) table: each LINQ operator over a tuple is its own native code.
    private static ushort StateBit(string state)
    {
        foreach (var (name, bit) in States)
            if (name.Equals(state, StringComparison.OrdinalIgnoreCase)) return bit;
        return 0;
    }

    private static int AllStates()
    {
        int all = 0;
        foreach (var (_, bit) in States) all |= bit;
        return all;
    }

    internal static ConntrackMatch? FromInfo(uint revision, byte[] info)
    {
        if (revision != 3 || info.Length != InfoSize)
            return null;
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(MatchFlagsOffset));
        ushort invert = BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(InvertFlagsOffset));
        ushort mask = BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(StateMaskOffset));
        var rest = (byte[])info.Clone();
        rest.AsSpan(MatchFlagsOffset, 6).Clear();
        bool known = AllStates() is var all && (mask & ~all) == 0;
        return flags == StateFlag && invert is 0 or StateFlag && known && mask != 0 && !rest.AsSpan().ContainsAnyExcept((byte)0)
            ? new ConntrackMatch { StateMask = mask, Invert = invert != 0 } : null;
    }
}

/// <summary><c>-m addrtype [!] --src-type T [!] --dst-type T</c>: xt_addrtype_info_v1 (rev 1: source, dest, flags).</summary>
public sealed class AddrtypeMatch : XtMatch
{
    private const uint InvertSource = 1, InvertDest = 2;

    private static readonly string[] Types =
        ["UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE"];

    public override string Name => "addrtype";

    public ushort Source { get; private set; }

    public ushort Destination { get; private set; }

    public uint Flags { get; private set; }

    internal override bool TryOption(string option, string value, bool invert)
    {
        if (option is not ("--src-type" or "--dst-type"))
            return false;
        ushort types = 0;
        foreach (string type in value.Split(','))
            types |= Array.FindIndex(Types, t => t.Equals(type, StringComparison.OrdinalIgnoreCase)) is var i and >= 0
                ? (ushort)(1 << i) : throw new XtRuleException($"addrtype: unknown address type \"{type}\"");
        bool source = option == "--src-type";
        if (source) Source = types; else Destination = types;
        if (invert) Flags |= source ? InvertSource : InvertDest;
        return true;
    }

    internal override void Complete()
    {
        if (Source == 0 && Destination == 0)
            throw new XtRuleException("addrtype: you must specify --src-type or --dst-type");
    }

    internal override void Encode(List<NftExpr> program, XtRule rule)
    {
        byte[] info = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(info, Source);
        BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(2), Destination);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(4), Flags);
        program.Add(new XtMatchExpr(Name, 1, info));
    }

    public override void Save(StringBuilder s)
    {
        if (Source != 0)
            s.Append((Flags & InvertSource) != 0 ? " ! --src-type " : " --src-type ").AppendJoin(',', Names(Source));
        if (Destination != 0)
            s.Append((Flags & InvertDest) != 0 ? " ! --dst-type " : " --dst-type ").AppendJoin(',', Names(Destination));
    }

    private static IEnumerable<string> Names(ushort types) => Types.Where((_, i) => (types & (1 << i)) != 0);

    internal static AddrtypeMatch? FromInfo(uint revision, byte[] info)
    {
        if (revision != 1 || info.Length != 8)
            return null;
        var m = new AddrtypeMatch
        {
            Source = BinaryPrimitives.ReadUInt16LittleEndian(info),
            Destination = BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(2)),
            Flags = BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(4)),
        };
        bool known = (m.Flags & ~(InvertSource | InvertDest)) == 0 && (m.Source | m.Destination) >> Types.Length == 0;
        return known && (m.Source | m.Destination) != 0 ? m : null;
    }

}
