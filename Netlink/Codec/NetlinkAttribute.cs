using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Codec;

/// <summary>One TLV. <see cref="Type"/> has NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off.</summary>
public readonly ref struct NetlinkAttribute
{
    public NetlinkAttribute(ushort rawType, ReadOnlySpan<byte> payload)
    {
        RawType = rawType;
        Payload = payload;
    }

    public ushort RawType { get; }

    public ushort Type => (ushort)(RawType & NLA_TYPE_MASK);

    public bool IsNested => (RawType & NLA_F_NESTED) != 0;

    public ReadOnlySpan<byte> Payload { get; }

    public byte GetU8() => Fixed(1)[0];

    public ushort GetU16() => MemoryMarshal.Read<ushort>(Fixed(2));

    public uint GetU32() => MemoryMarshal.Read<uint>(Fixed(4));

    public int GetI32() => MemoryMarshal.Read<int>(Fixed(4));

    public ulong GetU64() => MemoryMarshal.Read<ulong>(Fixed(8));

    public ushort GetU16BigEndian() => BinaryPrimitives.ReadUInt16BigEndian(Fixed(2));

    public uint GetU32BigEndian() => BinaryPrimitives.ReadUInt32BigEndian(Fixed(4));

    /// <summary>UTF-8 text up to the first NUL (or the whole payload when there is none).</summary>
    public string GetString()
    {
        int nul = Payload.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? Payload : Payload[..nul]);
    }

    public AttributeReader GetNested() => new(Payload);

    private ReadOnlySpan<byte> Fixed(int size) =>
        Payload.Length >= size
            ? Payload[..size]
            : throw new InvalidDataException($"netlink attribute {Type}: {Payload.Length} bytes, expected {size}");
}
