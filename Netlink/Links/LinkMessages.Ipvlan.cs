using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

/// <summary>The ipvlan kind (linux/if_link.h IFLA_IPVLAN_*): creation, mode keywords, and its IFLA_INFO_DATA.</summary>
public static partial class LinkMessages
{
    public const string IpvlanKind = "ipvlan";

    private const ushort IFLA_IPVLAN_MODE = 1;
    private const ushort IFLA_IPVLAN_FLAGS = 2;
    private const ushort IPVLAN_MODE_L2 = 0;
    private const ushort IPVLAN_MODE_L3 = 1;
    private const ushort IPVLAN_MODE_L3S = 2;

    /// <summary>
    /// As <c>ip link add NAME link PARENT [mtu M] [netns NS] type ipvlan mode MODE</c>: iproute2 always sends the
    /// flags (bridge, 0) after the mode. <paramref name="nsFd"/> is the netns to create it in, or -1 for this one.
    /// </summary>
    public static void AddIpvlan(ref NetlinkWriter w, uint seq, IpvlanOptions ipvlan, int nsFd = -1)
    {
        CheckName(ipvlan.Name);
        ushort kernelMode = IpvlanMode(ipvlan.Mode);
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        PutChildLink(ref w, ipvlan.Name, ipvlan.Mtu, null, nsFd, ipvlan.ParentIndex);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, IpvlanKind);
        NestToken data = w.BeginNest(IFLA_INFO_DATA);
        w.PutU16(IFLA_IPVLAN_MODE, kernelMode);
        w.PutU16(IFLA_IPVLAN_FLAGS, 0);
        w.EndNest(data);
        w.EndNest(linkInfo);
        w.EndMessage();
    }

    /// <summary>The IPVLAN_MODE_* value of an <c>ip link ... type ipvlan mode X</c> keyword.</summary>
    public static ushort IpvlanMode(string mode) => mode switch
    {
        "l2" => IPVLAN_MODE_L2,
        "l3" => IPVLAN_MODE_L3,
        "l3s" => IPVLAN_MODE_L3S,
        _ => throw new ArgumentException($"unknown ipvlan mode \"{mode}\" (l2, l3, l3s)", nameof(mode)),
    };

    /// <summary>The keyword <c>ip -d link show</c> prints for an IPVLAN_MODE_* value; the number for one it does not know.</summary>
    public static string IpvlanModeName(ushort mode) => mode switch
    {
        IPVLAN_MODE_L2 => "l2",
        IPVLAN_MODE_L3 => "l3",
        IPVLAN_MODE_L3S => "l3s",
        _ => mode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static IpvlanData ReadIpvlanData(AttributeReader data)
    {
        var ipvlan = new IpvlanData("l2");
        foreach (NetlinkAttribute a in data)
        {
            ipvlan = a.Type switch
            {
                IFLA_IPVLAN_MODE => ipvlan with { Mode = IpvlanModeName(a.GetU16()) },
                IFLA_IPVLAN_FLAGS => ipvlan with { Flags = a.GetU16() },
                _ => ipvlan,
            };
        }
        return ipvlan;
    }
}
