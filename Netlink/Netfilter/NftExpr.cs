using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Netlink.Netfilter;

/// <summary>
/// One expression of a rule's program, written as <c>NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA { ... } }</c>
/// with the attributes in the order libnftnl emits them, so a rule's bytes equal what <c>nft</c> sends.
/// </summary>
public abstract record NftExpr
{
    /// <summary>The kernel's expression type name: "meta", "payload", "cmp" ...</summary>
    public abstract string Name { get; }

    public void Write(ref NetlinkWriter w)
    {
        NestToken element = w.BeginNest(NFTA_LIST_ELEM, setNestedFlag: true);
        w.PutStringZ(NFTA_EXPR_NAME, Name);
        NestToken data = w.BeginNest(NFTA_EXPR_DATA, setNestedFlag: true);
        WriteData(ref w);
        w.EndNest(data);
        w.EndNest(element);
    }

    protected abstract void WriteData(ref NetlinkWriter w);

    /// <summary>NFTA_*_DATA { NFTA_DATA_VALUE bytes }: constants compared, masked or loaded.</summary>
    internal static void PutValue(ref NetlinkWriter w, ushort type, ReadOnlySpan<byte> value)
    {
        NestToken nest = w.BeginNest(type, setNestedFlag: true);
        w.PutBytes(NFTA_DATA_VALUE, value);
        w.EndNest(nest);
    }
}

/// <summary><c>meta load KEY =&gt; reg DREG</c> (nfproto, l4proto, iifname, oifname ...).</summary>
public sealed record MetaExpr(uint Key, uint DestRegister = NFT_REG_1) : NftExpr
{
    public override string Name => "meta";

    protected override void WriteData(ref NetlinkWriter w)
    {
        w.PutU32BigEndian(NFTA_META_KEY, Key);
        w.PutU32BigEndian(NFTA_META_DREG, DestRegister);
    }
}

/// <summary><c>payload load LENb @ BASE header + OFFSET =&gt; reg DREG</c>.</summary>
public sealed record PayloadExpr(uint Base, uint Offset, uint Length, uint DestRegister = NFT_REG_1) : NftExpr
{
    public override string Name => "payload";

    protected override void WriteData(ref NetlinkWriter w)
    {
        w.PutU32BigEndian(NFTA_PAYLOAD_DREG, DestRegister);
        w.PutU32BigEndian(NFTA_PAYLOAD_BASE, Base);
        w.PutU32BigEndian(NFTA_PAYLOAD_OFFSET, Offset);
        w.PutU32BigEndian(NFTA_PAYLOAD_LEN, Length);
    }
}

/// <summary><c>cmp eq|neq reg SREG DATA</c>.</summary>
public sealed record CmpExpr(uint Op, byte[] Data, uint SourceRegister = NFT_REG_1) : NftExpr
{
    public override string Name => "cmp";

    protected override void WriteData(ref NetlinkWriter w)
    {
        w.PutU32BigEndian(NFTA_CMP_SREG, SourceRegister);
        w.PutU32BigEndian(NFTA_CMP_OP, Op);
        PutValue(ref w, NFTA_CMP_DATA, Data);
    }

    public bool Equals(CmpExpr? other) =>
        other is not null && Op == other.Op && SourceRegister == other.SourceRegister && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Op, SourceRegister, Data.Length);
}

/// <summary>
/// <c>bitwise reg DREG = (reg SREG &amp; MASK) ^ XOR</c>: nft's way to match a prefix that is not byte aligned.
/// <see cref="Op"/> is sent only when set: nft writes NFT_BITWISE_BOOL for an explicit <c>&amp;</c> in the rule text
/// (<c>ct status &amp; dnat == 0</c>) and nothing for an implicit mask (prefixes, <c>ct status dnat</c>).
/// </summary>
public sealed record BitwiseExpr(byte[] Mask, byte[] Xor, uint SourceRegister = NFT_REG_1, uint DestRegister = NFT_REG_1, uint? Op = null) : NftExpr
{
    public override string Name => "bitwise";

    protected override void WriteData(ref NetlinkWriter w)
    {
        w.PutU32BigEndian(NFTA_BITWISE_SREG, SourceRegister);
        w.PutU32BigEndian(NFTA_BITWISE_DREG, DestRegister);
        if (Op is { } op)
            w.PutU32BigEndian(NFTA_BITWISE_OP, op);
        w.PutU32BigEndian(NFTA_BITWISE_LEN, (uint)Mask.Length);
        PutValue(ref w, NFTA_BITWISE_MASK, Mask);
        PutValue(ref w, NFTA_BITWISE_XOR, Xor);
    }

    public bool Equals(BitwiseExpr? other) =>
        other is not null && SourceRegister == other.SourceRegister && DestRegister == other.DestRegister && Op == other.Op
        && Mask.AsSpan().SequenceEqual(other.Mask) && Xor.AsSpan().SequenceEqual(other.Xor);

    public override int GetHashCode() => HashCode.Combine(SourceRegister, DestRegister, Mask.Length);
}

/// <summary><c>immediate reg DREG DATA</c>: loads a constant (NAT address, port) into a data register.</summary>
public sealed record ImmediateExpr(uint DestRegister, byte[] Data) : NftExpr
{
    public override string Name => "immediate";

    protected override void WriteData(ref NetlinkWriter w)
    {
        w.PutU32BigEndian(NFTA_IMMEDIATE_DREG, DestRegister);
        PutValue(ref w, NFTA_IMMEDIATE_DATA, Data);
    }

    public bool Equals(ImmediateExpr? other) =>
        other is not null && DestRegister == other.DestRegister && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(DestRegister, Data.Length);
}

/// <summary>
/// <c>immediate reg 0 accept|drop|return|jump CHAIN|goto CHAIN</c>: a verdict. <see cref="Chain"/> is set for jump and goto only.
/// </summary>
public sealed record VerdictExpr(int Code, string? Chain = null) : NftExpr
{
    public static VerdictExpr Accept { get; } = new(NF_ACCEPT);
    public static VerdictExpr Drop { get; } = new(NF_DROP);
    public static VerdictExpr Return { get; } = new(NFT_RETURN);

    public static VerdictExpr Jump(string chain) => new(NFT_JUMP, chain);

    public static VerdictExpr Goto(string chain) => new(NFT_GOTO, chain);

    public override string Name => "immediate";

    protected override void WriteData(ref NetlinkWriter w)
    {
        w.PutU32BigEndian(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
        NestToken data = w.BeginNest(NFTA_IMMEDIATE_DATA, setNestedFlag: true);
        NestToken verdict = w.BeginNest(NFTA_DATA_VERDICT, setNestedFlag: true);
        w.PutU32BigEndian(NFTA_VERDICT_CODE, unchecked((uint)Code));
        if (Chain is not null)
            w.PutStringZ(NFTA_VERDICT_CHAIN, Chain);
        w.EndNest(verdict);
        w.EndNest(data);
    }
}

/// <summary><c>masq</c>: source NAT to the outgoing interface's address (no attributes, as nft sends it).</summary>
public sealed record MasqExpr : NftExpr
{
    public override string Name => "masq";

    protected override void WriteData(ref NetlinkWriter w)
    {
    }
}

/// <summary>
/// <c>counter</c> with zero start values: nft sends an empty NFTA_EXPR_DATA, iptables-nft both values as zero
/// (<paramref name="ExplicitZeros"/>).
/// </summary>
public sealed record CounterExpr(bool ExplicitZeros = false) : NftExpr
{
    public override string Name => "counter";

    protected override void WriteData(ref NetlinkWriter w)
    {
        if (!ExplicitZeros)
            return;
        w.PutU64BigEndian(NFTA_COUNTER_BYTES, 0);
        w.PutU64BigEndian(NFTA_COUNTER_PACKETS, 0);
    }
}

/// <summary>
/// <c>nat snat|dnat FAMILY addr reg ADDR [proto reg PROTO]</c> with the address (and port) preloaded by
/// <see cref="ImmediateExpr"/>; <see cref="ProtoRegister"/> 0 means no port. Flags as nft sets them:
/// NF_NAT_RANGE_PROTO_SPECIFIED with a port, none without.
/// </summary>
public sealed record NatExpr(uint Type, NftFamily Family, uint AddrRegister = NFT_REG_1, uint ProtoRegister = 0) : NftExpr
{
    public override string Name => "nat";

    protected override void WriteData(ref NetlinkWriter w)
    {
        w.PutU32BigEndian(NFTA_NAT_TYPE, Type);
        w.PutU32BigEndian(NFTA_NAT_FAMILY, (uint)Family);
        w.PutU32BigEndian(NFTA_NAT_REG_ADDR_MIN, AddrRegister);
        if (ProtoRegister != 0)
        {
            w.PutU32BigEndian(NFTA_NAT_REG_PROTO_MIN, ProtoRegister);
            w.PutU32BigEndian(NFTA_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
        }
    }
}

/// <summary>
/// <c>fib daddr|saddr type =&gt; reg DREG</c>: the routing table's address type (RTN_LOCAL, ...) of the packet's
/// destination or source, as nft 1.0 writes it (flags, result, dreg).
/// </summary>
public sealed record FibExpr(uint Flags, uint Result = NFT_FIB_RESULT_ADDRTYPE, uint DestRegister = NFT_REG_1) : NftExpr
{
    public override string Name => "fib";

    protected override void WriteData(ref NetlinkWriter w)
    {
        w.PutU32BigEndian(NFTA_FIB_FLAGS, Flags);
        w.PutU32BigEndian(NFTA_FIB_RESULT, Result);
        w.PutU32BigEndian(NFTA_FIB_DREG, DestRegister);
    }
}

/// <summary><c>ct load KEY =&gt; reg DREG</c> (status, ...), key before register as nft writes it.</summary>
public sealed record CtExpr(uint Key, uint DestRegister = NFT_REG_1) : NftExpr
{
    public override string Name => "ct";

    protected override void WriteData(ref NetlinkWriter w)
    {
        w.PutU32BigEndian(NFTA_CT_KEY, Key);
        w.PutU32BigEndian(NFTA_CT_DREG, DestRegister);
    }
}
