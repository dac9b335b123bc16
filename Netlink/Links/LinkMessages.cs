using System.Runtime.CompilerServices;
using System.Text;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

/// <summary>
/// RTM_*LINK requests, byte for byte what iproute2 6.1 sends, and the RTM_NEWLINK parser. Creations (one file
/// per kind) follow iproute2's attribute order: the options given (IFLA_MTU, IFLA_ADDRESS, IFLA_LINK), then
/// IFLA_IFNAME, then IFLA_LINKINFO.
/// </summary>
public static partial class LinkMessages
{
    /// <summary>IFNAMSIZ - 1: the kernel rejects longer IFLA_IFNAME values.</summary>
    public const int MaxNameBytes = 15;

    /// <summary>IFALIASZ: the kernel refuses an IFLA_IFALIAS of this many bytes or more.</summary>
    public const int MaxAliasBytes = 256;

    private const ushort CreateFlags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;

    /// <summary>As <c>ip link set lo up</c> resolves "lo": AF_UNSPEC, IFLA_EXT_MASK VF|SKIP_STATS, IFLA_IFNAME.</summary>
    public static void GetByName(ref NetlinkWriter w, uint seq, string name)
    {
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes || name.Length == 0)
            throw new ArgumentException($"interface name \"{name}\" must be 1 to {MaxNameBytes} bytes", nameof(name));
        w.BeginMessage(RTM_GETLINK, NLM_F_REQUEST, seq);
        w.WriteStruct(new IfInfoMsg());
        w.PutU32(IFLA_EXT_MASK, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
        w.PutStringZ(IFLA_IFNAME, name);
        w.EndMessage();
    }

    /// <summary>As <c>ip addr show dev lo</c> fetches the link by index.</summary>
    public static void GetByIndex(ref NetlinkWriter w, uint seq, int index)
    {
        w.BeginMessage(RTM_GETLINK, NLM_F_REQUEST, seq);
        w.WriteStruct(new IfInfoMsg { ifi_index = index });
        w.PutU32(IFLA_EXT_MASK, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
        w.EndMessage();
    }

    /// <summary>As <c>ip addr show</c> dumps links: AF_UNSPEC, IFLA_EXT_MASK VF.</summary>
    public static void Dump(ref NetlinkWriter w, uint seq)
    {
        w.BeginMessage(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq);
        w.WriteStruct(new IfInfoMsg());
        w.PutU32(IFLA_EXT_MASK, RTEXT_FILTER_VF);
        w.EndMessage();
    }

    /// <summary>As <c>ip link del dev X</c> once iproute has resolved X to its ifindex.</summary>
    public static void Delete(ref NetlinkWriter w, uint seq, int index)
    {
        w.BeginMessage(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_index = index });
        w.EndMessage();
    }

    /// <summary>
    /// <c>ip link del dev NAME</c> in one request: iproute resolves the name first (RTM_GETLINK), but the
    /// kernel also accepts ifindex 0 with IFLA_IFNAME, which saves a round trip and a race.
    /// </summary>
    public static void Delete(ref NetlinkWriter w, uint seq, string name)
    {
        CheckName(name);
        w.BeginMessage(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg());
        w.PutStringZ(IFLA_IFNAME, name);
        w.EndMessage();
    }

    /// <summary>Parses an RTM_NEWLINK message; null for any other type.</summary>
    public static LinkInfo? Parse(in NetlinkMessage message)
    {
        if (message.Type != RTM_NEWLINK)
            return null;
        IfInfoMsg ifi = message.ReadStruct<IfInfoMsg>();
        string name = "";
        string? mac = null, alias = null;
        var info = new KindInfo();
        int mtu = 0, master = 0, link = 0, txqlen = 0;
        int? netnsid = null;
        var oper = OperState.Unknown;
        foreach (NetlinkAttribute a in message.Attributes(Unsafe.SizeOf<IfInfoMsg>()))
        {
            switch (a.Type)
            {
                case IFLA_IFNAME: name = a.GetString(); break;
                case IFLA_MTU: mtu = a.GetI32(); break;
                case IFLA_ADDRESS: mac = FormatMac(a.Payload); break;
                case IFLA_OPERSTATE: oper = (OperState)a.GetU8(); break;
                case IFLA_MASTER: master = a.GetI32(); break;
                case IFLA_LINK: link = a.GetI32(); break;
                case IFLA_LINK_NETNSID: netnsid = a.GetI32(); break;
                case IFLA_TXQLEN: txqlen = a.GetI32(); break;
                case IFLA_IFALIAS: alias = a.GetString(); break;
                case IFLA_LINKINFO: info = ReadLinkInfo(a.GetNested()); break;
            }
        }
        LinkKindData? data = info.Kind == VethKind ? new VethData(link, netnsid) : info.Data;
        return new LinkInfo(ifi.ifi_index, name, (InterfaceFlags)ifi.ifi_flags, oper, mtu, mac, info.Kind, master, ifi.ifi_type,
            link, netnsid, txqlen, info.SlaveKind, info.SlaveKind == BridgeKind ? info.Port : null, data) { Alias = alias };
    }

    public static string FormatMac(ReadOnlySpan<byte> address)
    {
        var text = new StringBuilder(address.Length * 3);
        foreach (byte b in address)
        {
            if (text.Length > 0)
                text.Append(':');
            text.Append(b.ToString("x2"));
        }
        return text.ToString();
    }

    /// <summary>
    /// An Ethernet MAC into its 6 bytes, for IFLA_ADDRESS: the forms of <see cref="TryParseMac"/>, an
    /// ArgumentException (Go's form refused, or another length) otherwise.
    /// </summary>
    public static byte[] ParseMac(string mac) => TryParseMac(mac) switch
    {
        null => throw new ArgumentException($"invalid MAC address \"{mac}\"", nameof(mac)),
        { Length: 6 } bytes => bytes,
        _ => throw new ArgumentException($"invalid MAC address \"{mac}\": expected 6 bytes", nameof(mac)),
    };

    /// <summary>
    /// Go's <c>net.ParseMAC</c>: 6, 8 or 20 bytes written as <c>00:00:5e:00:53:01</c>, <c>00-00-5E-00-53-01</c> or
    /// <c>0000.5e00.5301</c>, one separator throughout, two hex digits per byte (four per dotted group); null
    /// where Go refuses the text.
    /// </summary>
    public static byte[]? TryParseMac(string s)
    {
        if (s.Length < 14) return null;
        if (s[2] is ':' or '-')
        {
            if ((s.Length + 1) % 3 != 0) return null;
            var n = (s.Length + 1) / 3;
            if (!IsMacLength(n)) return null;
            var bytes = new byte[n];
            for (int i = 0, x = 0; i < n; i++, x += 3)
                if (!TryMacByte(s, x, s[2], out bytes[i])) return null;
            return bytes;
        }
        if (s[4] == '.')
        {
            if ((s.Length + 1) % 5 != 0) return null;
            var n = 2 * (s.Length + 1) / 5;
            if (!IsMacLength(n)) return null;
            var bytes = new byte[n];
            for (int i = 0, x = 0; i < n; i += 2, x += 5)
            {
                if (!TryMacByte(s, x, null, out bytes[i]) || !TryMacByte(s, x + 2, '.', out bytes[i + 1])) return null;
            }
            return bytes;
        }
        return null;
    }

    private static bool IsMacLength(int n) => n is 6 or 8 or 20;

    /// <summary>Two hex digits at <paramref name="at"/>, followed by <paramref name="separator"/> unless the text ends there.</summary>
    private static bool TryMacByte(string s, int at, char? separator, out byte value)
    {
        value = 0;
        if (at + 2 > s.Length) return false;
        if (separator is { } sep && at + 2 < s.Length && s[at + 2] != sep) return false;
        var hi = HexDigit(s[at]);
        var lo = HexDigit(s[at + 1]);
        if (hi < 0 || lo < 0) return false;
        value = (byte)(hi << 4 | lo);
        return true;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private record struct KindInfo(string? Kind, LinkKindData? Data, string? SlaveKind, BridgePortInfo? Port);

    private static KindInfo ReadLinkInfo(AttributeReader linkInfo)
    {
        var result = new KindInfo();
        ReadOnlySpan<byte> data = default;
        foreach (NetlinkAttribute a in linkInfo)
        {
            switch (a.Type)
            {
                case IFLA_INFO_KIND: result.Kind = a.GetString(); break;
                case IFLA_INFO_DATA: data = a.Payload; break;
                case IFLA_INFO_SLAVE_KIND: result.SlaveKind = a.GetString(); break;
                case IFLA_INFO_SLAVE_DATA: result.Port = ReadBridgePort(a.GetNested()); break;
            }
        }
        // IFLA_INFO_KIND comes first from the kernel, but nothing in the format promises it.
        result.Data = result.Kind switch
        {
            BridgeKind => ReadBridgeData(new AttributeReader(data)),
            MacvlanKind => ReadMacvlanData(new AttributeReader(data)),
            IpvlanKind => ReadIpvlanData(new AttributeReader(data)),
            VlanKind => ReadVlanData(new AttributeReader(data)),
            VrfKind => ReadVrfData(new AttributeReader(data)),
            _ => null,
        };
        return result;
    }

    private static void PutCommon(ref NetlinkWriter w, string name, int mtu, string? mac)
    {
        if (mtu > 0)
            w.PutU32(IFLA_MTU, (uint)mtu);
        if (mac is not null)
            w.PutBytes(IFLA_ADDRESS, ParseMac(mac));
        w.PutStringZ(IFLA_IFNAME, name);
    }

    /// <summary>
    /// What a link created on a parent (macvlan, ipvlan, vlan) or in another netns (dummy too) carries before
    /// IFLA_LINKINFO, in iproute2's order: IFLA_MTU, IFLA_ADDRESS, IFLA_NET_NS_FD as given, then IFLA_LINK and
    /// IFLA_IFNAME. <paramref name="nsFd"/> -1 and <paramref name="parentIndex"/> 0 send none.
    /// </summary>
    private static void PutChildLink(ref NetlinkWriter w, string name, int mtu, string? mac, int nsFd, int parentIndex)
    {
        if (mtu > 0)
            w.PutU32(IFLA_MTU, (uint)mtu);
        if (mac is not null)
            w.PutBytes(IFLA_ADDRESS, ParseMac(mac));
        if (nsFd >= 0)
            w.PutU32(IFLA_NET_NS_FD, (uint)nsFd);
        if (parentIndex > 0)
            w.PutU32(IFLA_LINK, (uint)parentIndex);
        w.PutStringZ(IFLA_IFNAME, name);
    }

    /// <summary>Reads IFLA_BRPORT_* attributes (IFLA_INFO_SLAVE_DATA of a bridge port).</summary>
    private static BridgePortInfo ReadBridgePort(AttributeReader attributes)
    {
        bool hairpin = false, isolated = false;
        byte state = 0;
        foreach (NetlinkAttribute a in attributes)
        {
            switch (a.Type)
            {
                case IFLA_BRPORT_MODE: hairpin = a.GetU8() != 0; break;
                case IFLA_BRPORT_ISOLATED: isolated = a.GetU8() != 0; break;
                case IFLA_BRPORT_STATE: state = a.GetU8(); break;
            }
        }
        return new BridgePortInfo(hairpin, isolated, state);
    }
}
