using System.Buffers.Binary;
using System.Net;

namespace CniBox.Ipam.Dhcp.Protocol;

/// <summary>DHCP message types (option 53, RFC 2132 9.6).</summary>
public enum DhcpMessageType : byte
{
    Discover = 1, Offer = 2, Request = 3, Decline = 4, Ack = 5, Nak = 6, Release = 7, Inform = 8,
}

/// <summary>
/// One BOOTP/DHCP message (RFC 2131 section 2): the fixed 236-byte header, the magic cookie and the options in
/// the order they were added or read. Only ethernet clients (htype 1, hlen 6) are built.
/// </summary>
public sealed class DhcpMessage
{
    public const int HeaderLength = 236;
    public const ushort BroadcastFlag = 0x8000;
    private const uint MagicCookie = 0x63825363;
    private const int MinimumLength = 300;

    public byte Op { get; set; } = 1;
    public uint Xid { get; set; }
    public ushort Secs { get; set; }
    public ushort Flags { get; set; }
    public IPAddress ClientAddress { get; set; } = IPAddress.Any;
    public IPAddress YourAddress { get; set; } = IPAddress.Any;
    public IPAddress ServerAddress { get; set; } = IPAddress.Any;
    public IPAddress RelayAddress { get; set; } = IPAddress.Any;
    public byte[] ClientHardwareAddress { get; set; } = new byte[6];
    public DhcpOptions Options { get; } = new();

    public DhcpMessageType? Type =>
        Options.Get(DhcpOptionCode.MessageType) is [var t] ? (DhcpMessageType)t : null;

    /// <summary>The message as sent on the wire, padded to BOOTP's 300 bytes as most clients do.</summary>
    public byte[] Encode()
    {
        var options = Options.Encode();
        var buffer = new byte[Math.Max(MinimumLength, HeaderLength + 4 + options.Length)];
        var span = buffer.AsSpan();
        span[0] = Op;
        span[1] = 1;
        span[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], Xid);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], Secs);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], Flags);
        ClientAddress.GetAddressBytes().CopyTo(span[12..]);
        YourAddress.GetAddressBytes().CopyTo(span[16..]);
        ServerAddress.GetAddressBytes().CopyTo(span[20..]);
        RelayAddress.GetAddressBytes().CopyTo(span[24..]);
        ClientHardwareAddress.AsSpan(0, Math.Min(16, ClientHardwareAddress.Length)).CopyTo(span[28..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[HeaderLength..], MagicCookie);
        options.CopyTo(span[(HeaderLength + 4)..]);
        return buffer;
    }

    /// <summary>The message in <paramref name="data"/>, or null when it is not a well-formed DHCP message.</summary>
    public static DhcpMessage? TryDecode(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderLength + 4 || data[1] != 1 || data[2] != 6) return null;
        if (BinaryPrimitives.ReadUInt32BigEndian(data[HeaderLength..]) != MagicCookie) return null;
        var message = new DhcpMessage
        {
            Op = data[0],
            Xid = BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            Secs = BinaryPrimitives.ReadUInt16BigEndian(data[8..]),
            Flags = BinaryPrimitives.ReadUInt16BigEndian(data[10..]),
            ClientAddress = new IPAddress(data.Slice(12, 4)),
            YourAddress = new IPAddress(data.Slice(16, 4)),
            ServerAddress = new IPAddress(data.Slice(20, 4)),
            RelayAddress = new IPAddress(data.Slice(24, 4)),
            ClientHardwareAddress = data.Slice(28, 6).ToArray(),
        };
        return message.Options.TryDecode(data[(HeaderLength + 4)..]) ? message : null;
    }
}
