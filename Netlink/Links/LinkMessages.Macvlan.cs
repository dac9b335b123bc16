using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

/// <summary>The macvlan kind: creation, mode keywords, and its IFLA_INFO_DATA (IFLA_MACVLAN_*).</summary>
public static partial class LinkMessages
{
    public const string MacvlanKind = "macvlan";

    /// <summary>
    /// As <c>ip link add NAME link PARENT [mtu M] [address A] [netns NS] type macvlan mode MODE [bcqueuelen N]</c>.
    /// <paramref name="nsFd"/> is an open fd of the netns to create it in (IFLA_NET_NS_FD), or -1 for this one.
    /// </summary>
    public static void AddMacvlan(ref NetlinkWriter w, uint seq, MacvlanOptions macvlan, int nsFd = -1)
    {
        CheckName(macvlan.Name);
        uint kernelMode = MacvlanMode(macvlan.Mode);
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        PutChildLink(ref w, macvlan.Name, macvlan.Mtu, macvlan.Mac, nsFd, macvlan.ParentIndex);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, MacvlanKind);
        NestToken data = w.BeginNest(IFLA_INFO_DATA);
        // iproute2 writes the options as it parses them and the mode last.
        if (macvlan.BroadcastQueueLength is { } bcqueuelen)
            w.PutU32(IFLA_MACVLAN_BC_QUEUE_LEN, bcqueuelen);
        w.PutU32(IFLA_MACVLAN_MODE, kernelMode);
        w.EndNest(data);
        w.EndNest(linkInfo);
        w.EndMessage();
    }

    /// <summary>The MACVLAN_MODE_* value of an <c>ip link ... type macvlan mode X</c> keyword.</summary>
    public static uint MacvlanMode(string mode) => mode switch
    {
        "private" => MACVLAN_MODE_PRIVATE,
        "vepa" => MACVLAN_MODE_VEPA,
        "bridge" => MACVLAN_MODE_BRIDGE,
        "passthru" => MACVLAN_MODE_PASSTHRU,
        "source" => MACVLAN_MODE_SOURCE,
        _ => throw new ArgumentException($"unknown macvlan mode \"{mode}\" (private, vepa, bridge, passthru, source)", nameof(mode)),
    };

    /// <summary>The keyword <c>ip -d link show</c> prints for a MACVLAN_MODE_* value; the number for one it does not know.</summary>
    public static string MacvlanModeName(uint mode) => mode switch
    {
        MACVLAN_MODE_PRIVATE => "private",
        MACVLAN_MODE_VEPA => "vepa",
        MACVLAN_MODE_BRIDGE => "bridge",
        MACVLAN_MODE_PASSTHRU => "passthru",
        MACVLAN_MODE_SOURCE => "source",
        _ => mode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static MacvlanData ReadMacvlanData(AttributeReader data)
    {
        var macvlan = new MacvlanData("");
        foreach (NetlinkAttribute a in data)
        {
            macvlan = a.Type switch
            {
                IFLA_MACVLAN_MODE => macvlan with { Mode = MacvlanModeName(a.GetU32()) },
                IFLA_MACVLAN_FLAGS => macvlan with { Flags = a.GetU16() },
                IFLA_MACVLAN_BC_QUEUE_LEN => macvlan with { BroadcastQueueLength = a.GetU32() },
                _ => macvlan,
            };
        }
        return macvlan;
    }
}
