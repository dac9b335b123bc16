using System.Net.Sockets;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rta;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Routes;

/// <summary>
/// RTM_*ROUTE requests, byte for byte what iproute2 6.1 sends, and the RTM_NEWROUTE parser. Attribute
/// order: RTA_DST, RTA_GATEWAY, RTA_PREFSRC, RTA_PRIORITY, RTA_TABLE, RTA_OIF, RTA_METRICS, RTA_MULTIPATH.
/// </summary>
public static class RouteMessages
{
    /// <summary>As <c>ip route add ...</c> (NLM_F_CREATE | NLM_F_EXCL).</summary>
    public static void Add(ref NetlinkWriter w, uint seq, RouteSpec route) =>
        Write(ref w, RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq, route);

    /// <summary>As <c>ip route replace ...</c> (NLM_F_CREATE | NLM_F_REPLACE).</summary>
    public static void Replace(ref NetlinkWriter w, uint seq, RouteSpec route) =>
        Write(ref w, RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, seq, route);

    /// <summary>As <c>ip route del ...</c>: unset members stay 0 / RT_SCOPE_NOWHERE so the kernel matches any value.</summary>
    public static void Delete(ref NetlinkWriter w, uint seq, RouteSpec route) =>
        Write(ref w, RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK, seq, route);

    /// <summary>As <c>ip [-6] route show [table N]</c>, or <c>table all</c> when <paramref name="table"/> is null.</summary>
    public static void Dump(ref NetlinkWriter w, uint seq, AddressFamily family, uint? table)
    {
        w.BeginMessage(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, seq);
        w.WriteStruct(new RtMsg { rtm_family = AddrMessages.ToKernel(family) });
        if (table is { } t)
            w.PutU32(RTA_TABLE, t);
        w.EndMessage();
    }

    /// <summary>As <c>ip route get ADDRESS</c>: the kernel answers with the route it would use (RTM_NEWROUTE, RTA_OIF).</summary>
    public static void GetTo(ref NetlinkWriter w, uint seq, IPAddress destination)
    {
        w.BeginMessage(RTM_GETROUTE, NLM_F_REQUEST, seq);
        byte[] address = destination.GetAddressBytes();
        w.WriteStruct(new RtMsg { rtm_family = AddrMessages.ToKernel(destination.AddressFamily), rtm_dst_len = (byte)(address.Length * 8) });
        w.PutBytes(RTA_DST, address);
        w.EndMessage();
    }

    /// <summary>Parses an RTM_NEWROUTE message into a fully specified route; null for other types and families.</summary>
    public static RouteSpec? Parse(in NetlinkMessage message)
    {
        if (message.Type != RTM_NEWROUTE)
            return null;
        RtMsg rtm = message.ReadStruct<RtMsg>();
        if (rtm.rtm_family is not (AF_INET or AF_INET6))
            return null;
        IPAddress? dst = null, gateway = null, source = null;
        int oif = 0;
        uint table = rtm.rtm_table;
        uint? metric = null;
        uint mtu = 0, advmss = 0;
        List<NextHop>? hops = null;
        foreach (NetlinkAttribute a in message.Attributes(Unsafe.SizeOf<RtMsg>()))
        {
            switch (a.Type)
            {
                case RTA_DST: dst = ToAddress(a.Payload); break;
                case RTA_GATEWAY: gateway = ToAddress(a.Payload); break;
                case RTA_PREFSRC: source = ToAddress(a.Payload); break;
                case RTA_OIF: oif = a.GetI32(); break;
                case RTA_TABLE: table = a.GetU32(); break;
                case RTA_PRIORITY: metric = a.GetU32(); break;
                case RTA_METRICS: ReadMetrics(a.GetNested(), ref mtu, ref advmss); break;
                case RTA_MULTIPATH: hops = ReadMultipath(a.Payload); break;
            }
        }
        AddressFamily family = rtm.rtm_family == AF_INET ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        return new RouteSpec
        {
            Family = family,
            Destination = dst is null && rtm.rtm_dst_len == 0 ? null : Destination(dst ?? Any(family), family, rtm.rtm_dst_len),
            Gateway = gateway,
            OutIndex = oif,
            Source = source,
            Scope = rtm.rtm_scope,
            Table = table,
            Metric = metric,
            Mtu = mtu,
            AdvMss = advmss,
            Type = (RouteType)rtm.rtm_type,
            Protocol = rtm.rtm_protocol,
            Multipath = hops,
        };
    }

    private static void Write(ref NetlinkWriter w, ushort type, ushort flags, uint seq, RouteSpec route)
    {
        AddressFamily family = route.Family;
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            throw new ArgumentException($"route {route}: set Family, or give a destination or gateway", nameof(route));
        bool delete = type == RTM_DELROUTE;
        bool multipath = route.Multipath is { Count: > 0 };
        RouteType routeType = route.Type ?? (delete ? RouteType.Unspec : RouteType.Unicast);
        uint table = route.Table ?? (routeType is RouteType.Local or RouteType.Broadcast or RouteType.Anycast or RouteType.Nat
            ? RT_TABLE_LOCAL : RT_TABLE_MAIN);
        w.BeginMessage(type, flags, seq);
        w.WriteStruct(new RtMsg
        {
            rtm_family = AddrMessages.ToKernel(family),
            rtm_dst_len = (byte)(route.Destination?.PrefixLength ?? 0),
            rtm_table = table <= 255 ? (byte)table : RT_TABLE_UNSPEC,
            rtm_protocol = route.Protocol ?? (delete ? RTPROT_UNSPEC : RTPROT_BOOT),
            rtm_scope = route.Scope ?? (delete ? RT_SCOPE_NOWHERE : DefaultScope(routeType, route.Gateway is not null || multipath)),
            rtm_type = (byte)routeType,
        });
        Span<byte> bytes = stackalloc byte[16];
        if (route.Destination is { } dst)
            w.PutBytes(RTA_DST, AddrMessages.Bytes(Checked(dst.BaseAddress, family), bytes));
        if (route.Gateway is not null)
            w.PutBytes(RTA_GATEWAY, AddrMessages.Bytes(Checked(route.Gateway, family), bytes));
        if (route.Source is not null)
            w.PutBytes(RTA_PREFSRC, AddrMessages.Bytes(Checked(route.Source, family), bytes));
        if (route.Metric is { } metric)
            w.PutU32(RTA_PRIORITY, metric);
        if (table > 255)
            w.PutU32(RTA_TABLE, table);
        if (route.OutIndex > 0)
            w.PutU32(RTA_OIF, (uint)route.OutIndex);
        if (route.Mtu > 0 || route.AdvMss > 0)
        {
            NestToken metrics = w.BeginNest(RTA_METRICS);
            if (route.Mtu > 0)
                w.PutU32(RTAX_MTU, route.Mtu);
            if (route.AdvMss > 0)
                w.PutU32(RTAX_ADVMSS, route.AdvMss);
            w.EndNest(metrics);
        }
        if (multipath)
            WriteMultipath(ref w, route.Multipath!, family);
        w.EndMessage();
    }

    /// <summary>iproute's choice when no <c>scope</c> is given.</summary>
    private static byte DefaultScope(RouteType type, bool hasGateway) => type switch
    {
        RouteType.Local or RouteType.Nat => RT_SCOPE_HOST,
        RouteType.Broadcast or RouteType.Multicast or RouteType.Anycast => RT_SCOPE_LINK,
        RouteType.Unicast or RouteType.Unspec when !hasGateway => RT_SCOPE_LINK,
        _ => RT_SCOPE_UNIVERSE,
    };

    /// <summary>RTA_MULTIPATH: rtnexthop {len, flags, hops = weight - 1, ifindex} followed by its RTA_GATEWAY.</summary>
    private static void WriteMultipath(ref NetlinkWriter w, IReadOnlyList<NextHop> hops, AddressFamily family)
    {
        NestToken nest = w.BeginNest(RTA_MULTIPATH);
        Span<byte> bytes = stackalloc byte[16];
        foreach (NextHop hop in hops)
        {
            if (hop.Weight is < 1 or > 256)
                throw new ArgumentOutOfRangeException(nameof(hops), hop.Weight, "next hop weight must be 1 to 256");
            // An rtnexthop has the same 4-byte len prefix as an attribute, so a nest token patches its length.
            NestToken rtnh = w.BeginNest((ushort)((hop.Weight - 1) << 8));
            w.WriteStruct(hop.OutIndex);
            if (hop.Gateway is not null)
                w.PutBytes(RTA_GATEWAY, AddrMessages.Bytes(Checked(hop.Gateway, family), bytes));
            w.EndNest(rtnh);
        }
        w.EndNest(nest);
    }

    private static List<NextHop> ReadMultipath(ReadOnlySpan<byte> payload)
    {
        var hops = new List<NextHop>();
        while (payload.Length >= RTNH_SIZE)
        {
            ushort length = MemoryMarshal.Read<ushort>(payload);
            if (length < RTNH_SIZE || length > payload.Length)
                break;
            byte weightMinusOne = payload[3];
            int ifindex = MemoryMarshal.Read<int>(payload[4..]);
            IPAddress? gateway = null;
            foreach (NetlinkAttribute a in new AttributeReader(payload[RTNH_SIZE..length]))
                if (a.Type == RTA_GATEWAY)
                    gateway = ToAddress(a.Payload);
            hops.Add(new NextHop(gateway, ifindex, weightMinusOne + 1));
            payload = payload[Math.Min(Align(length), payload.Length)..];
        }
        return hops;
    }

    private static void ReadMetrics(AttributeReader metrics, ref uint mtu, ref uint advmss)
    {
        foreach (NetlinkAttribute a in metrics)
        {
            if (a.Type == RTAX_MTU)
                mtu = a.GetU32();
            else if (a.Type == RTAX_ADVMSS)
                advmss = a.GetU32();
        }
    }

    private static IPAddress Checked(IPAddress ip, AddressFamily family) =>
        ip.AddressFamily == family ? ip : throw new ArgumentException($"{ip} is not in the route's family {family}");

    /// <summary>The kernel sends a masked RTA_DST of the message's family; anything else is a malformed reply.</summary>
    private static IPNetwork Destination(IPAddress dst, AddressFamily family, byte prefixLength)
    {
        int bits = family == AddressFamily.InterNetwork ? 32 : 128;
        if (dst.AddressFamily != family || prefixLength > bits || !IPNetwork.TryParse($"{dst}/{prefixLength}", out IPNetwork network)
            || !network.BaseAddress.Equals(dst))
            throw new InvalidDataException($"route message: destination {dst}/{prefixLength} is not a {family} prefix");
        return network;
    }

    private static IPAddress Any(AddressFamily family) =>
        family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;

    private static IPAddress? ToAddress(ReadOnlySpan<byte> payload) =>
        payload.Length is 4 or 16 ? new IPAddress(payload) : null;
}
