using System.Text;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary>
/// <c>-m mark [!] --mark VALUE[/MASK]</c>, which iptables-nft writes natively: <c>meta mark</c>, a <c>bitwise</c> when
/// the mask is not all ones, <c>cmp</c> (host byte order).
/// </summary>
public sealed class MarkMatch : XtMatch
{
    public override string Name => "mark";

    public uint Mark { get; private set; }

    public uint Mask { get; private set; } = uint.MaxValue;

    public bool Invert { get; private set; }

    private bool _set;

    internal MarkMatch()
    {
    }

    internal MarkMatch(uint mark, uint mask, bool invert) => (Mark, Mask, Invert, _set) = (mark, mask, invert, true);

    internal override bool TryOption(string option, string value, bool invert)
    {
        if (option != "--mark")
            return false;
        int slash = value.IndexOf('/');
        Mark = ParseNumber(slash < 0 ? value : value[..slash]);
        Mask = slash < 0 ? uint.MaxValue : ParseNumber(value[(slash + 1)..]);
        Invert = invert;
        _set = true;
        return true;
    }

    internal override void Complete()
    {
        if (!_set)
            throw new XtRuleException("mark: option \"--mark\" must be specified");
    }

    internal override void Encode(List<NftExpr> program, XtRule rule)
    {
        program.Add(new MetaExpr(NFT_META_MARK));
        if (Mask != uint.MaxValue)
            program.Add(new BitwiseExpr(BitConverter.GetBytes(Mask), new byte[4]));
        program.Add(new CmpExpr(Invert ? NFT_CMP_NEQ : NFT_CMP_EQ, BitConverter.GetBytes(Mark & Mask)));
    }

    public override void Save(StringBuilder s)
    {
        s.Append(Invert ? " ! --mark " : " --mark ").Append(Hex(Mark));
        if (Mask != uint.MaxValue)
            s.Append('/').Append(Hex(Mask));
    }
}

/// <summary>
/// <c>-m tcp|udp [!] --sport P [!] --dport P</c> (single ports), which iptables-nft writes natively: transport header
/// payload loads and compares, one 4-byte compare when both ports are set the same way.
/// </summary>
public sealed class PortMatch : XtMatch
{
    internal PortMatch(string name) => Name = name;

    public override string Name { get; }

    public ushort? SourcePort { get; private set; }

    public ushort? DestinationPort { get; private set; }

    public bool InvertSource { get; private set; }

    public bool InvertDestination { get; private set; }

    internal override bool TryOption(string option, string value, bool invert)
    {
        bool source = option is "--sport" or "--source-port";
        if (!source && option is not ("--dport" or "--destination-port"))
            return false;
        XtPortRange range = XtPortRange.Parse(value);
        if (!range.Single)
            throw new XtRuleException($"{Name}: port ranges are not supported here");
        if (source) (SourcePort, InvertSource) = (range.First, invert);
        else (DestinationPort, InvertDestination) = (range.First, invert);
        return true;
    }

    internal void Set(bool source, ushort port, bool invert)
    {
        if (source) (SourcePort, InvertSource) = (port, invert);
        else (DestinationPort, InvertDestination) = (port, invert);
    }

    internal override void Encode(List<NftExpr> program, XtRule rule)
    {
        byte expected = Name == "tcp" ? XtProtocols.Tcp : XtProtocols.Udp;
        if (rule.Protocol is not { Invert: false } p || p.Number != expected)
            throw new XtRuleException($"{Name} match needs -p {Name}");
        if (SourcePort is { } s && DestinationPort is { } d && InvertSource == InvertDestination)
        {
            program.Add(new PayloadExpr(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 4));
            program.Add(new CmpExpr(InvertSource ? NFT_CMP_NEQ : NFT_CMP_EQ, [(byte)(s >> 8), (byte)s, (byte)(d >> 8), (byte)d]));
            return;
        }
        if (SourcePort is { } source)
            Port(program, 0, source, InvertSource);
        if (DestinationPort is { } destination)
            Port(program, 2, destination, InvertDestination);
    }

    public override void Save(StringBuilder s)
    {
        if (SourcePort is { } p)
            s.Append(InvertSource ? " ! --sport " : " --sport ").Append(p);
        if (DestinationPort is { } d)
            s.Append(InvertDestination ? " ! --dport " : " --dport ").Append(d);
    }

    private static void Port(List<NftExpr> program, uint offset, ushort port, bool invert)
    {
        program.Add(new PayloadExpr(NFT_PAYLOAD_TRANSPORT_HEADER, offset, 2));
        program.Add(new CmpExpr(invert ? NFT_CMP_NEQ : NFT_CMP_EQ, [(byte)(port >> 8), (byte)port]));
    }
}
