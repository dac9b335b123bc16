using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Netfilter;
using static CniBox.Netlink.Constants.Ctnl;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Conntrack;

/// <summary>Parses the IPCTNL_MSG_CT_NEW messages of a ctnetlink dump.</summary>
public static class ConntrackParse
{
    /// <summary>The entry's original tuple and zone; null for another message type or an entry without an IP tuple.</summary>
    public static ConntrackEntry? Entry(in NetlinkMessage m) => Flow(in m)?.Entry;

    internal static ConntrackFlow? Flow(in NetlinkMessage m)
    {
        if (m.Type != ConntrackMessages.Type(IPCTNL_MSG_CT_NEW))
            return null;
        AddressFamily family = m.ReadStruct<NfGenMsg>().nfgen_family switch
        {
            AF_INET => AddressFamily.InterNetwork,
            AF_INET6 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };
        if (family == AddressFamily.Unknown)
            return null;
        byte[]? tuple = null;
        ushort zone = 0;
        foreach (NetlinkAttribute a in m.Attributes(Unsafe.SizeOf<NfGenMsg>()))
        {
            if (a.Type == CTA_TUPLE_ORIG)
                tuple = a.Payload.ToArray();
            else if (a.Type == CTA_ZONE)
                zone = a.GetU16BigEndian();
        }
        return tuple is not null && Tuple(tuple, family, zone) is { } entry ? new ConntrackFlow(entry, tuple) : null;
    }

    private static ConntrackEntry? Tuple(ReadOnlySpan<byte> tuple, AddressFamily family, ushort zone)
    {
        IPAddress? source = null, destination = null;
        byte protocol = 0;
        ushort sourcePort = 0, destinationPort = 0;
        foreach (NetlinkAttribute part in new AttributeReader(tuple))
        {
            if (part.Type == CTA_TUPLE_IP)
            {
                foreach (NetlinkAttribute ip in part.GetNested())
                {
                    switch (ip.Type)
                    {
                        case CTA_IP_V4_SRC or CTA_IP_V6_SRC: source = Address(ip, family); break;
                        case CTA_IP_V4_DST or CTA_IP_V6_DST: destination = Address(ip, family); break;
                    }
                }
            }
            else if (part.Type == CTA_TUPLE_PROTO)
            {
                foreach (NetlinkAttribute p in part.GetNested())
                {
                    switch (p.Type)
                    {
                        case CTA_PROTO_NUM: protocol = p.GetU8(); break;
                        case CTA_PROTO_SRC_PORT: sourcePort = p.GetU16BigEndian(); break;
                        case CTA_PROTO_DST_PORT: destinationPort = p.GetU16BigEndian(); break;
                    }
                }
            }
        }
        return source is null || destination is null
            ? null
            : new ConntrackEntry(family, protocol, source, destination, sourcePort, destinationPort, zone);
    }

    private static IPAddress Address(NetlinkAttribute a, AddressFamily family)
    {
        int size = family == AddressFamily.InterNetwork ? 4 : 16;
        return a.Payload.Length == size
            ? new IPAddress(a.Payload)
            : throw new InvalidDataException($"ctnetlink address attribute {a.Type}: {a.Payload.Length} bytes, expected {size}");
    }
}
