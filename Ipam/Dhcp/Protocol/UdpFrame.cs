using System.Buffers.Binary;
using System.Net;

namespace CniBox.Ipam.Dhcp.Protocol;

/// <summary>One UDP datagram in an IPv4 packet in an ethernet frame, as the client's packet socket sends and reads it.</summary>
public sealed record UdpFrame(byte[] DestinationMac, byte[] SourceMac, IPAddress Source, IPAddress Destination,
    ushort SourcePort, ushort DestinationPort, byte[] Payload)
{
    public const ushort ClientPort = 68, ServerPort = 67;
    public static readonly byte[] BroadcastMac = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    private const int EthernetLength = 14, IpLength = 20, UdpLength = 8;

    /// <summary>The frame's bytes: ethernet II, IPv4 (TTL 64, DF clear, header checksum), UDP (checksum over the pseudo header).</summary>
    public byte[] Encode()
    {
        var frame = new byte[EthernetLength + IpLength + UdpLength + Payload.Length];
        var span = frame.AsSpan();
        DestinationMac.CopyTo(span);
        SourceMac.CopyTo(span[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[12..], 0x0800);
        var ip = span.Slice(EthernetLength, IpLength);
        ip[0] = 0x45;
        ip[1] = 0x10; // low delay, as ISC dhclient and Go's client mark DHCP
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(IpLength + UdpLength + Payload.Length));
        ip[8] = 64;
        ip[9] = 17;
        Source.GetAddressBytes().CopyTo(ip[12..]);
        Destination.GetAddressBytes().CopyTo(ip[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip, 0));
        var udp = span[(EthernetLength + IpLength)..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], DestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(UdpLength + Payload.Length));
        Payload.CopyTo(udp[UdpLength..]);
        ushort sum = Checksum(udp, PseudoHeaderSum(ip, udp.Length));
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], sum == 0 ? (ushort)0xffff : sum);
        return frame;
    }

    /// <summary>The UDP datagram in an ethernet frame; null for anything else, a fragment or a bad IP checksum.</summary>
    public static UdpFrame? TryDecode(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < EthernetLength + IpLength + UdpLength) return null;
        if (BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0800) return null;
        var ip = frame[EthernetLength..];
        int headerLength = (ip[0] & 0x0f) * 4;
        if (ip[0] >> 4 != 4 || headerLength < IpLength || ip[9] != 17) return null;
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        if (total > ip.Length || total < headerLength + UdpLength) return null;
        if ((BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3fff) != 0) return null;
        if (Checksum(ip[..headerLength], 0) != 0) return null;
        var udp = ip[headerLength..total];
        int udpLength = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        if (udpLength < UdpLength || udpLength > udp.Length) return null;
        return new UdpFrame(frame[..6].ToArray(), frame[6..12].ToArray(), new IPAddress(ip.Slice(12, 4)),
            new IPAddress(ip.Slice(16, 4)), BinaryPrimitives.ReadUInt16BigEndian(udp),
            BinaryPrimitives.ReadUInt16BigEndian(udp[2..]), udp[UdpLength..udpLength].ToArray());
    }

    private static uint PseudoHeaderSum(ReadOnlySpan<byte> ip, int udpLength)
    {
        uint sum = 0;
        for (int i = 12; i < 20; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
        return sum + 17 + (uint)udpLength;
    }

    /// <summary>The internet checksum (RFC 1071) of <paramref name="data"/> added to <paramref name="sum"/>.</summary>
    private static ushort Checksum(ReadOnlySpan<byte> data, uint sum)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (uint)data[i] << 8;
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }
}
