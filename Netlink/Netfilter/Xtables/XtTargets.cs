using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary>The <c>-j</c> (or <c>-g</c>) of a rule: its expression and the text <c>iptables -S</c> prints for it.</summary>
public abstract class XtTarget
{
    public abstract string Name { get; }

    internal virtual bool TryOption(string option, string value, bool invert) => false;

    internal virtual void Complete()
    {
    }

    internal abstract NftExpr Encode(bool ipv6);

    public virtual void Save(StringBuilder s) => s.Append(" -j ").Append(Name);
}

/// <summary><c>-j ACCEPT|DROP|RETURN</c>, <c>-j CHAIN</c> or <c>-g CHAIN</c>: an immediate verdict.</summary>
public sealed class VerdictTarget(string name, bool isGoto = false) : XtTarget
{
    public override string Name { get; } = name;

    public bool Goto { get; } = isGoto;

    internal override NftExpr Encode(bool ipv6) => Name switch
    {
        "ACCEPT" => VerdictExpr.Accept,
        "DROP" => VerdictExpr.Drop,
        "RETURN" => VerdictExpr.Return,
        _ => Goto ? VerdictExpr.Goto(Name) : VerdictExpr.Jump(Name),
    };

    public override void Save(StringBuilder s) => s.Append(Goto ? " -g " : " -j ").Append(Name);

    internal static VerdictTarget? FromVerdict(int code, string? chain) => code switch
    {
        NF_ACCEPT when chain is null => new("ACCEPT"),
        NF_DROP when chain is null => new("DROP"),
        NFT_RETURN when chain is null => new("RETURN"),
        NFT_JUMP when chain is not null => new(chain),
        NFT_GOTO when chain is not null => new(chain, isGoto: true),
        _ => null,
    };
}

/// <summary><c>-j MASQUERADE</c> (rev 0): v4 a one-range nf_nat_ipv4_multi_range_compat, v6 an empty nf_nat_range.</summary>
public sealed class MasqueradeTarget : XtTarget
{
    public override string Name => "MASQUERADE";

    internal override NftExpr Encode(bool ipv6) => new XtTargetExpr(Name, 0, Info(ipv6));

    private static byte[] Info(bool ipv6)
    {
        byte[] info = new byte[ipv6 ? 40 : 24];
        if (!ipv6)
            info[0] = 1;
        return info;
    }

    internal static MasqueradeTarget? FromInfo(uint revision, byte[] info, bool ipv6) =>
        revision == 0 && info.AsSpan().SequenceEqual(Info(ipv6)) ? new MasqueradeTarget() : null;
}

/// <summary>
/// <c>-j DNAT --to-destination ADDR[:PORT]</c> (<c>[ADDR6]:PORT</c>): nf_nat_range2 (rev 2, 48 bytes: flags, min and
/// max address, min and max port big endian, base port).
/// </summary>
public sealed class DnatTarget : XtTarget
{
    private const int InfoSize = 48;

    public override string Name => "DNAT";

    public IPAddress? Address { get; private set; }

    public ushort? Port { get; private set; }

    internal override bool TryOption(string option, string value, bool invert)
    {
        if (option != "--to-destination")
            return false;
        string address = value;
        if (value.StartsWith('['))
        {
            int close = value.IndexOf(']');
            if (close < 0 || close + 1 >= value.Length || value[close + 1] != ':')
                throw new XtRuleException($"DNAT: bad destination \"{value}\"");
            address = value[1..close];
            Port = ParsePort(value[(close + 2)..]);
        }
        else if (value.Count(c => c == ':') == 1)
        {
            address = value[..value.IndexOf(':')];
            Port = ParsePort(value[(value.IndexOf(':') + 1)..]);
        }
        Address = IPAddress.TryParse(address, out IPAddress? ip) && !address.Contains('-')
            ? ip : throw new XtRuleException($"DNAT: bad address \"{address}\" (ranges are not supported here)");
        return true;
    }

    internal override void Complete()
    {
        if (Address is null)
            throw new XtRuleException("DNAT: --to-destination is required");
    }

    internal override NftExpr Encode(bool ipv6)
    {
        if (Address!.AddressFamily != (ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork))
            throw new XtRuleException($"DNAT: {Address} is not an address of this family");
        byte[] info = new byte[InfoSize];
        BinaryPrimitives.WriteUInt32LittleEndian(info, NF_NAT_RANGE_MAP_IPS | (Port is null ? 0 : NF_NAT_RANGE_PROTO_SPECIFIED));
        Address.GetAddressBytes().CopyTo(info, 4);
        Address.GetAddressBytes().CopyTo(info, 20);
        if (Port is { } port)
        {
            BinaryPrimitives.WriteUInt16BigEndian(info.AsSpan(36), port);
            BinaryPrimitives.WriteUInt16BigEndian(info.AsSpan(38), port);
        }
        return new XtTargetExpr(Name, 2, info);
    }

    public override void Save(StringBuilder s)
    {
        base.Save(s);
        s.Append(" --to-destination ");
        bool v6 = Address!.AddressFamily == AddressFamily.InterNetworkV6;
        s.Append(v6 && Port is not null ? $"[{Address}]" : Address.ToString());
        if (Port is { } port)
            s.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
    }

    internal static DnatTarget? FromInfo(uint revision, byte[] info, bool ipv6)
    {
        if (revision != 2 || info.Length != InfoSize)
            return null;
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(info);
        int length = ipv6 ? 16 : 4;
        var min = info.AsSpan(4, length);
        bool port = flags == (NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
        if ((flags != NF_NAT_RANGE_MAP_IPS && !port) || !min.SequenceEqual(info.AsSpan(20, length))
            || info.AsSpan(4 + length, 16 - length).ContainsAnyExcept((byte)0) || info.AsSpan(40).ContainsAnyExcept((byte)0)
            || BinaryPrimitives.ReadUInt16BigEndian(info.AsSpan(36)) != BinaryPrimitives.ReadUInt16BigEndian(info.AsSpan(38)))
            return null;
        return new DnatTarget { Address = new IPAddress(min), Port = port ? BinaryPrimitives.ReadUInt16BigEndian(info.AsSpan(36)) : null };
    }

    private static ushort ParsePort(string text) =>
        ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort p) && p != 0
            ? p : throw new XtRuleException($"DNAT: bad port \"{text}\" (ranges are not supported here)");
}

/// <summary><c>-j MARK --set-xmark VALUE/MASK</c> (or <c>--set-mark</c>): xt_mark_tginfo2 (rev 2: mark, mask).</summary>
public sealed class MarkTarget : XtTarget
{
    public override string Name => "MARK";

    public uint Mark { get; private set; }

    public uint Mask { get; private set; }

    private bool _set;

    internal override bool TryOption(string option, string value, bool invert)
    {
        if (option is not ("--set-xmark" or "--set-mark"))
            return false;
        int slash = value.IndexOf('/');
        Mark = XtMatch.ParseNumber(slash < 0 ? value : value[..slash]);
        uint mask = slash < 0 ? uint.MaxValue : XtMatch.ParseNumber(value[(slash + 1)..]);
        Mask = option == "--set-mark" ? mask | Mark : mask;
        _set = true;
        return true;
    }

    internal override void Complete()
    {
        if (!_set)
            throw new XtRuleException("MARK: --set-xmark or --set-mark is required");
    }

    internal override NftExpr Encode(bool ipv6)
    {
        byte[] info = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(info, Mark);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(4), Mask);
        return new XtTargetExpr(Name, 2, info);
    }

    public override void Save(StringBuilder s)
    {
        base.Save(s);
        s.Append(" --set-xmark ").Append(XtMatch.Hex(Mark)).Append('/').Append(XtMatch.Hex(Mask));
    }

    internal static MarkTarget? FromInfo(uint revision, byte[] info) =>
        revision == 2 && info.Length == 8
            ? new MarkTarget { Mark = BinaryPrimitives.ReadUInt32LittleEndian(info), Mask = BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(4)), _set = true }
            : null;
}
