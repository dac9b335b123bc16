using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Netlink.Netfilter;

/// <summary>
/// The expression sequences nft 1.0 generates for the match statements we use, e.g. <c>ip daddr != 10.1.0.0/24</c>
/// becomes <c>payload load 3b @ network header + 16; cmp neq 0a 01 00</c>: prefixes load only their bytes and
/// use a <c>bitwise</c> mask only when they end inside a byte, as nft does.
/// </summary>
public static class NftMatch
{
    /// <summary><c>meta nfproto ipv4|ipv6</c>: in inet tables nft puts this in front of the first ip/ip6 match.</summary>
    public static NftExpr[] NfProto(AddressFamily family) =>
    [
        new MetaExpr(NFT_META_NFPROTO),
        new CmpExpr(NFT_CMP_EQ, [family == AddressFamily.InterNetworkV6 ? NFPROTO_IPV6 : NFPROTO_IPV4]),
    ];

    /// <summary><c>meta l4proto N</c> (6 tcp, 17 udp).</summary>
    public static NftExpr[] L4Proto(byte protocol) => [new MetaExpr(NFT_META_L4PROTO), new CmpExpr(NFT_CMP_EQ, [protocol])];

    /// <summary><c>iifname "NAME"</c>: compared as IFNAMSIZ zero-padded bytes.</summary>
    public static NftExpr[] IifName(string name, bool equal = true) => InterfaceName(NFT_META_IIFNAME, name, equal);

    /// <summary><c>oifname "NAME"</c>.</summary>
    public static NftExpr[] OifName(string name, bool equal = true) => InterfaceName(NFT_META_OIFNAME, name, equal);

    /// <summary><c>ip saddr == X</c> / <c>ip6 saddr == X</c> (a host match: all bytes of the address).</summary>
    public static NftExpr[] Source(IPAddress address, bool equal = true) =>
        Source(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128), equal);

    /// <summary><c>ip saddr [!=] NET/P</c> / <c>ip6 saddr ...</c>.</summary>
    public static NftExpr[] Source(IPNetwork network, bool equal = true) =>
        Prefix(NFT_PAYLOAD_NETWORK_HEADER, network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 12u : 8u, network, equal);

    /// <summary><c>ip daddr == X</c> / <c>ip6 daddr == X</c>.</summary>
    public static NftExpr[] Destination(IPAddress address, bool equal = true) =>
        Destination(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128), equal);

    /// <summary><c>ip daddr [!=] NET/P</c> (offset 16) / <c>ip6 daddr ...</c> (offset 24).</summary>
    public static NftExpr[] Destination(IPNetwork network, bool equal = true) =>
        Prefix(NFT_PAYLOAD_NETWORK_HEADER, network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 16u : 24u, network, equal);

    /// <summary><c>ether saddr == MAC</c>: link-layer header bytes 6..11.</summary>
    public static NftExpr[] EtherSource(PhysicalAddress mac) =>
    [
        new PayloadExpr(NFT_PAYLOAD_LL_HEADER, 6, 6),
        new CmpExpr(NFT_CMP_EQ, mac.GetAddressBytes()),
    ];

    /// <summary><c>th dport N</c> (tcp/udp destination port, transport header bytes 2..3, big endian).</summary>
    public static NftExpr[] DestinationPort(ushort port) =>
    [
        new PayloadExpr(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2),
        new CmpExpr(NFT_CMP_EQ, [(byte)(port >> 8), (byte)port]),
    ];

    /// <summary>
    /// <c>ip saddr 0.0.0.0/0</c> / <c>ip6 saddr ::/0</c> as nft writes it: the whole address masked with zeros and
    /// compared with zero (always true, but it is what nft sends and lists).
    /// </summary>
    public static NftExpr[] AnySource(AddressFamily family)
    {
        int length = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        return
        [
            new PayloadExpr(NFT_PAYLOAD_NETWORK_HEADER, family == AddressFamily.InterNetworkV6 ? 8u : 12u, (uint)length),
            new BitwiseExpr(new byte[length], new byte[length]),
            new CmpExpr(NFT_CMP_EQ, new byte[length]),
        ];
    }

    /// <summary><c>fib daddr type local</c>: the destination is one of this host's addresses (iptables' addrtype LOCAL).</summary>
    public static NftExpr[] DestinationIsLocal() =>
        [new FibExpr(NFTA_FIB_F_DADDR), new CmpExpr(NFT_CMP_EQ, BitConverter.GetBytes(RTN_LOCAL))];

    /// <summary><c>ct status &amp; dnat == 0</c> (nft lists it <c>ct status ! dnat</c>): the connection was not DNAT'd.</summary>
    public static NftExpr[] NotDnatted() =>
    [
        new CtExpr(NFT_CT_STATUS),
        new BitwiseExpr(BitConverter.GetBytes(IPS_DST_NAT), new byte[4], Op: NFT_BITWISE_BOOL),
        new CmpExpr(NFT_CMP_EQ, new byte[4]),
    ];

    /// <summary><c>ct status dnat</c>: the connection was DNAT'd (reply traffic of a published port included).</summary>
    public static NftExpr[] Dnatted() =>
    [
        new CtExpr(NFT_CT_STATUS),
        new BitwiseExpr(BitConverter.GetBytes(IPS_DST_NAT), new byte[4]),
        new CmpExpr(NFT_CMP_NEQ, new byte[4]),
    ];

    /// <summary><c>ct state established,related</c>: the state bits masked, compared != 0, as nft encodes a list of states.</summary>
    public static NftExpr[] CtStateEstablishedOrRelated() =>
    [
        new CtExpr(NFT_CT_STATE),
        new BitwiseExpr(BitConverter.GetBytes(NF_CT_STATE_ESTABLISHED | NF_CT_STATE_RELATED), new byte[4]),
        new CmpExpr(NFT_CMP_NEQ, new byte[4]),
    ];

    /// <summary><c>tcp|udp|sctp dport N</c> as nft writes it in an ip/ip6 table: <c>meta l4proto</c>, then the port.</summary>
    public static NftExpr[] ProtocolPort(byte protocol, ushort port) => [.. L4Proto(protocol), .. DestinationPort(port)];

    /// <summary>
    /// A prefix match at <paramref name="offset"/>, as nft encodes it: a byte-aligned prefix loads and compares only
    /// its P/8 bytes; any other loads the whole address, masks it with <c>bitwise</c> and compares the whole masked
    /// network. /0 matches everything and yields no expressions.
    /// </summary>
    public static NftExpr[] Prefix(uint payloadBase, uint offset, IPNetwork network, bool equal)
    {
        int prefix = network.PrefixLength;
        if (prefix == 0)
            return [];
        byte[] address = network.BaseAddress.GetAddressBytes();
        uint op = equal ? NFT_CMP_EQ : NFT_CMP_NEQ;
        if (prefix % 8 == 0)
            return [new PayloadExpr(payloadBase, offset, (uint)(prefix / 8)), new CmpExpr(op, address[..(prefix / 8)])];
        byte[] mask = new byte[address.Length];
        for (int i = 0; i < mask.Length; i++)
            mask[i] = (byte)(0xff << (8 - Math.Clamp(prefix - i * 8, 0, 8)));
        return [new PayloadExpr(payloadBase, offset, (uint)address.Length), new BitwiseExpr(mask, new byte[address.Length]), new CmpExpr(op, address)];
    }

    private static NftExpr[] InterfaceName(uint key, string name, bool equal)
    {
        byte[] padded = new byte[IFNAMSIZ];
        if (Encoding.UTF8.GetByteCount(name) >= IFNAMSIZ)
            throw new ArgumentException($"interface name '{name}' is longer than 15 bytes", nameof(name));
        Encoding.UTF8.GetBytes(name, padded);
        return [new MetaExpr(key), new CmpExpr(equal ? NFT_CMP_EQ : NFT_CMP_NEQ, padded)];
    }
}
