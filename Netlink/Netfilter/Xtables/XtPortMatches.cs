using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary>A port or an inclusive port range, as <c>N</c> or <c>N:M</c>.</summary>
public readonly record struct XtPortRange(ushort First, ushort Last)
{
    public bool Single => First == Last;

    public static XtPortRange Parse(string text)
    {
        int colon = text.IndexOf(':');
        return colon < 0 ? new(Port(text), Port(text)) : new(colon == 0 ? (ushort)0 : Port(text[..colon]),
            colon == text.Length - 1 ? ushort.MaxValue : Port(text[(colon + 1)..]));
    }

    public override string ToString() => Single ? First.ToString(CultureInfo.InvariantCulture) : $"{First}:{Last}";

    private static ushort Port(string text) =>
        ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort p) ? p : throw new XtRuleException($"invalid port \"{text}\"");
}

/// <summary>
/// <c>-m multiport [!] --dports|--sports|--ports P[,P:Q...]</c>: xt_multiport_v1 (rev 1: flags, count, ports[15]
/// host order, pflags[15] marking range starts, invert).
/// </summary>
public sealed class MultiportMatch : XtMatch
{
    private const int InfoSize = 48, MaxPorts = 15;
    private static readonly (string Option, byte Flag)[] Options = [("--sports", 0), ("--dports", 1), ("--ports", 2)];

    public override string Name => "multiport";

    public byte Flags { get; private set; } = byte.MaxValue;

    public IReadOnlyList<XtPortRange> Ports { get; private set; } = [];

    public bool Invert { get; private set; }

    internal override bool TryOption(string option, string value, bool invert)
    {
        byte? flag = option switch
        {
            "--source-ports" or "--sports" => 0,
            "--destination-ports" or "--dports" => 1,
            "--ports" => 2,
            _ => null,
        };
        if (flag is null)
            return false;
        Flags = flag.Value;
        Ports = value.Split(',').Select(XtPortRange.Parse).ToArray();
        if (Ports.Sum(p => p.Single ? 1 : 2) > MaxPorts)
            throw new XtRuleException("multiport: too many ports specified");
        Invert = invert;
        return true;
    }

    internal override void Complete()
    {
        if (Flags == byte.MaxValue)
            throw new XtRuleException("multiport: one of --sports, --dports or --ports is required");
    }

    internal override void Encode(List<NftExpr> program, XtRule rule)
    {
        if (rule.Protocol is not { Invert: false, Number: XtProtocols.Tcp or XtProtocols.Udp or XtProtocols.Sctp or 33 or 136 })
            throw new XtRuleException("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
        byte[] info = new byte[InfoSize];
        info[0] = Flags;
        int count = 0;
        foreach (XtPortRange range in Ports)
        {
            if (!range.Single)
                info[32 + count] = 1;
            BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(2 + 2 * count++), range.First);
            if (!range.Single)
                BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(2 + 2 * count++), range.Last);
        }
        info[1] = (byte)count;
        info[47] = Invert ? (byte)1 : (byte)0;
        program.Add(new XtMatchExpr(Name, 1, info));
    }

    public override void Save(StringBuilder s)
    {
        s.Append(Invert ? " !" : "").Append(' ').Append(Options.First(o => o.Flag == Flags).Option).Append(' ').AppendJoin(',', Ports);
    }

    internal static MultiportMatch? FromInfo(uint revision, byte[] info)
    {
        if (revision != 1 || info.Length != InfoSize || info[0] > 2 || info[1] is 0 or > MaxPorts || info[47] > 1)
            return null;
        var ports = new List<XtPortRange>();
        for (int i = 0; i < info[1]; i++)
        {
            ushort first = BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(2 + 2 * i));
            if (info[32 + i] == 1 && i + 1 < info[1])
                ports.Add(new XtPortRange(first, BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(2 + 2 * ++i))));
            else
                ports.Add(new XtPortRange(first, first));
        }
        return new MultiportMatch { Flags = info[0], Ports = ports, Invert = info[47] == 1 };
    }
}

/// <summary>
/// <c>-m sctp [!] --sport P [!] --dport P</c>: xt_sctp_info (rev 0, 296 bytes: dpts, spts, chunkmap[64], chunk
/// match type, flag_info[4], flag_count, flags, invflags), filled as iptables 1.8.9 leaves it for ports only.
/// </summary>
public sealed class SctpMatch : XtMatch
{
    private const int InfoSize = 296, FlagInfoOffset = 268, FlagsOffset = 284, InvertOffset = 288;
    private const uint SourcePorts = 1, DestinationPorts = 2;

    public override string Name => "sctp";

    public XtPortRange? SourcePort { get; private set; }

    public XtPortRange? DestinationPort { get; private set; }

    public uint Invert { get; private set; }

    internal override bool TryOption(string option, string value, bool invert)
    {
        bool source = option is "--sport" or "--source-port";
        if (!source && option is not ("--dport" or "--destination-port"))
            return false;
        if (source) SourcePort = XtPortRange.Parse(value); else DestinationPort = XtPortRange.Parse(value);
        if (invert) Invert |= source ? SourcePorts : DestinationPorts;
        return true;
    }

    internal override void Encode(List<NftExpr> program, XtRule rule)
    {
        byte[] info = new byte[InfoSize];
        uint flags = 0;
        if (DestinationPort is { } d)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(info, d.First);
            BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(2), d.Last);
            flags |= DestinationPorts;
        }
        if (SourcePort is { } p)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(4), p.First);
            BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(6), p.Last);
            flags |= SourcePorts;
        }
        for (int i = 0; i < 4; i++)
            info[FlagInfoOffset + 3 * i] = 0xff;
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(FlagsOffset), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(InvertOffset), Invert);
        program.Add(new XtMatchExpr(Name, 0, info));
    }

    public override void Save(StringBuilder s)
    {
        if (SourcePort is { } p)
            s.Append((Invert & SourcePorts) != 0 ? " !" : "").Append(" --sport ").Append(p);
        if (DestinationPort is { } d)
            s.Append((Invert & DestinationPorts) != 0 ? " !" : "").Append(" --dport ").Append(d);
    }

    internal static SctpMatch? FromInfo(uint revision, byte[] info)
    {
        if (revision != 0 || info.Length != InfoSize)
            return null;
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(FlagsOffset));
        uint invert = BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(InvertOffset));
        if ((flags & ~(SourcePorts | DestinationPorts)) != 0 || (invert & ~flags) != 0 || info.AsSpan(8, 260).ContainsAnyExcept((byte)0))
            return null;
        XtPortRange Range(int offset) =>
            new(BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(offset)), BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(offset + 2)));
        return new SctpMatch
        {
            DestinationPort = (flags & DestinationPorts) != 0 ? Range(0) : null,
            SourcePort = (flags & SourcePorts) != 0 ? Range(4) : null,
            Invert = invert,
        };
    }
}
