using System.Runtime.CompilerServices;
using System.Text;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Route;

/// <summary>RTM_*LINK requests, byte for byte what iproute2 6.1 sends, and the RTM_NEWLINK parser.</summary>
public static class LinkMessages
{
    /// <summary>IFNAMSIZ - 1: the kernel rejects longer IFLA_IFNAME values.</summary>
    public const int MaxNameBytes = 15;

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

    /// <summary>As <c>ip link set dev X up|down</c>: only the bits in <paramref name="change"/> are touched.</summary>
    public static void SetFlags(ref NetlinkWriter w, uint seq, int index, InterfaceFlags flags, InterfaceFlags change)
    {
        w.BeginMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_index = index, ifi_flags = (uint)flags, ifi_change = (uint)change });
        w.EndMessage();
    }

    /// <summary>As <c>ip link set dev X mtu N</c>.</summary>
    public static void SetMtu(ref NetlinkWriter w, uint seq, int index, int mtu)
    {
        w.BeginMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_index = index });
        w.PutU32(IFLA_MTU, (uint)mtu);
        w.EndMessage();
    }

    /// <summary>Parses an RTM_NEWLINK message; null for any other type.</summary>
    public static LinkInfo? Parse(in NetlinkMessage message)
    {
        if (message.Type != RTM_NEWLINK)
            return null;
        IfInfoMsg ifi = message.ReadStruct<IfInfoMsg>();
        string name = "";
        string? mac = null, kind = null;
        int mtu = 0, master = 0;
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
                case IFLA_LINKINFO: kind = ReadKind(a.GetNested()); break;
            }
        }
        return new LinkInfo(ifi.ifi_index, name, (InterfaceFlags)ifi.ifi_flags, oper, mtu, mac, kind, master, ifi.ifi_type);
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

    private static string? ReadKind(AttributeReader linkInfo)
    {
        foreach (NetlinkAttribute a in linkInfo)
            if (a.Type == IFLA_INFO_KIND)
                return a.GetString();
        return null;
    }
}
