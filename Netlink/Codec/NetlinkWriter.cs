using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Codec;

/// <summary>
/// Writes netlink messages into a caller-owned buffer (stackalloc or pooled). Several messages
/// may follow each other (batches). Host byte order unless a method says BigEndian.
/// </summary>
public ref struct NetlinkWriter
{
    private readonly Span<byte> _buffer;
    private int _position;
    private int _messageStart;

    public NetlinkWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _messageStart = -1;
    }

    /// <summary>Bytes written so far, all messages included.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._position];

    public readonly int Length => _position;

    public void BeginMessage(ushort type, ushort flags, uint seq, uint portId = 0)
    {
        if (_messageStart >= 0)
            throw new InvalidOperationException("netlink writer: BeginMessage called before EndMessage");
        _messageStart = _position;
        var header = new NlMsgHdr { nlmsg_type = type, nlmsg_flags = flags, nlmsg_seq = seq, nlmsg_pid = portId };
        WriteStruct(header);
    }

    /// <summary>Writes nlmsg_len and returns the finished message.</summary>
    public ReadOnlySpan<byte> EndMessage()
    {
        if (_messageStart < 0)
            throw new InvalidOperationException("netlink writer: EndMessage without BeginMessage");
        int start = _messageStart;
        _messageStart = -1;
        uint length = (uint)(_position - start);
        MemoryMarshal.Write(_buffer[start..], in length);
        return _buffer[start.._position];
    }

    /// <summary>Copies a fixed header (ifinfomsg, ifaddrmsg ...) and pads it to 4 bytes.</summary>
    public void WriteStruct<T>(in T value) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        Span<byte> dest = Reserve(Align(size));
        MemoryMarshal.Write(dest, in value);
        dest[size..].Clear();
    }

    public void PutU8(ushort type, byte value) => AttributePayload(type, 1)[0] = value;

    public void PutU16(ushort type, ushort value) => MemoryMarshal.Write(AttributePayload(type, 2), in value);

    public void PutU32(ushort type, uint value) => MemoryMarshal.Write(AttributePayload(type, 4), in value);

    public void PutI32(ushort type, int value) => MemoryMarshal.Write(AttributePayload(type, 4), in value);

    public void PutU64(ushort type, ulong value) => MemoryMarshal.Write(AttributePayload(type, 8), in value);

    /// <summary>For NLA_F_NET_BYTEORDER fields; the caller decides whether to set that flag in <paramref name="type"/>.</summary>
    public void PutU16BigEndian(ushort type, ushort value) =>
        BinaryPrimitives.WriteUInt16BigEndian(AttributePayload(type, 2), value);

    public void PutU32BigEndian(ushort type, uint value) =>
        BinaryPrimitives.WriteUInt32BigEndian(AttributePayload(type, 4), value);

    /// <summary>nf_tables handles (NFTA_*_HANDLE) are 64-bit big endian.</summary>
    public void PutU64BigEndian(ushort type, ulong value) =>
        BinaryPrimitives.WriteUInt64BigEndian(AttributePayload(type, 8), value);

    public void PutBytes(ushort type, scoped ReadOnlySpan<byte> value) => value.CopyTo(AttributePayload(type, value.Length));

    /// <summary>UTF-8 string without a NUL, as iproute writes IFLA_INFO_KIND (the kernel's nla_strcmp accepts both).</summary>
    public void PutString(ushort type, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        Encoding.UTF8.GetBytes(value, AttributePayload(type, length));
    }

    /// <summary>UTF-8 string followed by a NUL byte.</summary>
    public void PutStringZ(ushort type, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        Span<byte> payload = AttributePayload(type, length + 1);
        Encoding.UTF8.GetBytes(value, payload);
        payload[length] = 0;
    }

    /// <summary>
    /// Starts a nest. rtnetlink (iproute2, vishvananda) leaves NLA_F_NESTED unset; nf_tables
    /// (libmnl) sets it, so the caller chooses. A fixed header may follow via <see cref="WriteStruct{T}"/>.
    /// </summary>
    public NestToken BeginNest(ushort type, bool setNestedFlag = false)
    {
        int offset = _position;
        Span<byte> header = Reserve(NLA_HDRLEN);
        WriteAttributeHeader(header, NLA_HDRLEN, setNestedFlag ? (ushort)(type | NLA_F_NESTED) : type);
        return new NestToken(offset);
    }

    public void EndNest(NestToken token)
    {
        int length = _position - token.Offset;
        if (token.Offset < 0 || length < NLA_HDRLEN)
            throw new InvalidOperationException("netlink writer: EndNest with a token from another writer");
        if (length > ushort.MaxValue)
            throw new InvalidOperationException($"netlink writer: nest of {length} bytes exceeds the 65535-byte attribute limit");
        ushort nestLength = (ushort)length;
        MemoryMarshal.Write(_buffer[token.Offset..], in nestLength);
    }

    private Span<byte> AttributePayload(ushort type, int payloadLength)
    {
        int length = NLA_HDRLEN + payloadLength;
        if (length > ushort.MaxValue)
            throw new InvalidOperationException($"netlink writer: attribute {type} of {length} bytes exceeds the 65535-byte limit");
        Span<byte> space = Reserve(Align(length));
        WriteAttributeHeader(space, (ushort)length, type);
        space[length..].Clear();
        return space.Slice(NLA_HDRLEN, payloadLength);
    }

    private static void WriteAttributeHeader(Span<byte> header, ushort length, ushort type)
    {
        MemoryMarshal.Write(header, in length);
        MemoryMarshal.Write(header[2..], in type);
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _position < count)
            throw new InvalidOperationException(
                $"netlink writer: buffer of {_buffer.Length} bytes is too small, {_position + count} needed");
        Span<byte> span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }
}
