using System.Text;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

/// <summary>RTM_NEWLINK changes to an existing link, addressed by ifindex, as <c>ip link set dev X ...</c> sends them.</summary>
public static partial class LinkMessages
{
    /// <summary>As <c>ip link set dev X up|down|promisc on|off|allmulticast on|off</c>: only the bits in <paramref name="change"/> are touched.</summary>
    public static void SetFlags(ref NetlinkWriter w, uint seq, int index, InterfaceFlags flags, InterfaceFlags change)
    {
        w.BeginMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_index = index, ifi_flags = (uint)flags, ifi_change = (uint)change });
        w.EndMessage();
    }

    /// <summary>As <c>ip link set dev X mtu N</c>.</summary>
    public static void SetMtu(ref NetlinkWriter w, uint seq, int index, int mtu) =>
        SetU32(ref w, seq, index, IFLA_MTU, (uint)mtu);

    /// <summary>As <c>ip link set dev X master BR</c>; 0 is <c>nomaster</c>.</summary>
    public static void SetMaster(ref NetlinkWriter w, uint seq, int index, int masterIndex) =>
        SetU32(ref w, seq, index, IFLA_MASTER, (uint)masterIndex);

    /// <summary>As <c>ip link set dev X netns NAME</c>: iproute opens the netns file and passes its fd.</summary>
    public static void SetNamespaceFd(ref NetlinkWriter w, uint seq, int index, int nsFd) =>
        SetU32(ref w, seq, index, IFLA_NET_NS_FD, (uint)nsFd);

    /// <summary>As <c>ip link set dev X txqueuelen N</c>.</summary>
    public static void SetTxQueueLen(ref NetlinkWriter w, uint seq, int index, int length) =>
        SetU32(ref w, seq, index, IFLA_TXQLEN, (uint)length);

    /// <summary>As <c>ip link set dev X address aa:bb:cc:dd:ee:ff</c>.</summary>
    public static void SetMac(ref NetlinkWriter w, uint seq, int index, string mac) =>
        SetAddress(ref w, seq, index, ParseMac(mac));

    /// <summary>IFLA_ADDRESS of any length (EUI-64, InfiniBand's 20 bytes); the kernel checks it against the link type.</summary>
    public static void SetAddress(ref NetlinkWriter w, uint seq, int index, ReadOnlySpan<byte> address)
    {
        w.BeginMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_index = index });
        w.PutBytes(IFLA_ADDRESS, address);
        w.EndMessage();
    }

    /// <summary>As <c>ip link set dev X alias TEXT</c>: IFLA_IFALIAS without a NUL; "" clears it.</summary>
    public static void SetAlias(ref NetlinkWriter w, uint seq, int index, string alias)
    {
        if (Encoding.UTF8.GetByteCount(alias) >= MaxAliasBytes)
            throw new ArgumentException($"interface alias must be shorter than {MaxAliasBytes} bytes", nameof(alias));
        w.BeginMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_index = index });
        w.PutString(IFLA_IFALIAS, alias);
        w.EndMessage();
    }

    /// <summary>As <c>ip link set dev X name NEW</c>.</summary>
    public static void SetName(ref NetlinkWriter w, uint seq, int index, string name)
    {
        CheckName(name);
        w.BeginMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_index = index });
        w.PutStringZ(IFLA_IFNAME, name);
        w.EndMessage();
    }

    /// <summary>
    /// The kernel's dev_valid_name, and no NUL (IFLA_IFNAME would end there: another, shorter name). No parameter
    /// name in the exception: an applet's error message is its text, and NativeAOT would append a resource key.
    /// </summary>
    internal static void CheckName(string name)
    {
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > MaxNameBytes || name.Contains('/') || name.Contains(':')
            || name.Contains('\0') || name.Any(char.IsWhiteSpace) || name is "." or "..")
            throw new ArgumentException(
                $"interface name \"{name.Replace("\0", "\\x00", StringComparison.Ordinal)}\" must be 1 to {MaxNameBytes} bytes without '/', ':', NUL or whitespace");
    }

    private static void SetU32(ref NetlinkWriter w, uint seq, int index, ushort attribute, uint value)
    {
        w.BeginMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_index = index });
        w.PutU32(attribute, value);
        w.EndMessage();
    }
}
