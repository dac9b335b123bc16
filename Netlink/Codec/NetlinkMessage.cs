using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Codec;

/// <summary>One message from a receive buffer: its header and the bytes after it.</summary>
public readonly ref struct NetlinkMessage
{
    public NetlinkMessage(NlMsgHdr header, ReadOnlySpan<byte> payload)
    {
        Header = header;
        Payload = payload;
    }

    public NlMsgHdr Header { get; }

    public ReadOnlySpan<byte> Payload { get; }

    public ushort Type => Header.nlmsg_type;

    public ushort Flags => Header.nlmsg_flags;

    public uint Sequence => Header.nlmsg_seq;

    public uint PortId => Header.nlmsg_pid;

    /// <summary>The fixed family header (ifinfomsg, ifaddrmsg ...) at the start of the payload.</summary>
    public T ReadStruct<T>() where T : unmanaged =>
        Payload.Length >= Unsafe.SizeOf<T>()
            ? MemoryMarshal.Read<T>(Payload)
            : throw new InvalidDataException($"netlink message type {Type}: payload of {Payload.Length} bytes is shorter than its {Unsafe.SizeOf<T>()}-byte header");

    /// <summary>Attributes after a fixed header of <paramref name="fixedHeaderSize"/> bytes.</summary>
    public AttributeReader Attributes(int fixedHeaderSize)
    {
        int start = Align(fixedHeaderSize);
        return new AttributeReader(start <= Payload.Length ? Payload[start..] : default);
    }
}
