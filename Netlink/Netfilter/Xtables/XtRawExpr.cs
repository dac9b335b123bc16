using System.Buffers.Binary;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Netlink.Netfilter.Xtables;

/// <summary>
/// The attributes of one listed expression by number, read the way the kernel lists them (no nested flags, bitwise's
/// NFTA_BITWISE_OP added); values are copies. Null when an attribute is absent or malformed.
/// </summary>
public sealed class XtRawExpr
{
    private readonly Dictionary<ushort, byte[]> _attributes = [];

    public XtRawExpr(NftRawExpr raw)
    {
        Name = raw.Name;
        var reader = new AttributeReader(raw.Data);
        foreach (NetlinkAttribute a in reader)
            _attributes[a.Type] = a.Payload.ToArray();
        Malformed = reader.Malformed;
    }

    public string Name { get; }

    public bool Malformed { get; }

    public IEnumerable<ushort> Types => _attributes.Keys;

    public byte[]? Bytes(ushort type) => _attributes.GetValueOrDefault(type);

    public uint? U32(ushort type) => Bytes(type) is { Length: 4 } b ? BinaryPrimitives.ReadUInt32BigEndian(b) : null;

    public string? String(ushort type) => Bytes(type) is { Length: > 0 } b && b[^1] == 0 ? System.Text.Encoding.UTF8.GetString(b, 0, b.Length - 1) : null;

    /// <summary>The NFTA_DATA_VALUE inside a data attribute (cmp's data, bitwise's mask and xor).</summary>
    public byte[]? Value(ushort type)
    {
        if (Bytes(type) is not { } nested)
            return null;
        foreach (NetlinkAttribute a in new AttributeReader(nested))
            if (a.Type == NFTA_DATA_VALUE)
                return a.Payload.ToArray();
        return null;
    }

    /// <summary>An immediate's verdict code and chain (NFTA_IMMEDIATE_DATA / NFTA_DATA_VERDICT).</summary>
    public (int Code, string? Chain)? Verdict()
    {
        if (Bytes(NFTA_IMMEDIATE_DATA) is not { } data)
            return null;
        foreach (NetlinkAttribute d in new AttributeReader(data))
        {
            if (d.Type != NFTA_DATA_VERDICT)
                continue;
            int? code = null;
            string? chain = null;
            foreach (NetlinkAttribute v in d.GetNested())
            {
                if (v.Type == NFTA_VERDICT_CODE) code = (int)v.GetU32BigEndian();
                else if (v.Type == NFTA_VERDICT_CHAIN) chain = v.GetString();
            }
            return code is { } c ? (c, chain) : null;
        }
        return null;
    }

    /// <summary>True when the expression has exactly these attribute types (order is not checked).</summary>
    public bool HasOnly(params ushort[] types) => _attributes.Count == types.Length && types.All(_attributes.ContainsKey);
}
