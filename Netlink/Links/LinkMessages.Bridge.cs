using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

/// <summary>The bridge kind: creation, and its IFLA_INFO_DATA (IFLA_BR_*).</summary>
public static partial class LinkMessages
{
    public const string BridgeKind = "bridge";

    /// <summary>As <c>ip link add NAME [mtu M] type bridge [vlan_filtering 1]</c>.</summary>
    public static void AddBridge(ref NetlinkWriter w, uint seq, string name, int mtu = 0, bool vlanFiltering = false)
    {
        CheckName(name);
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        PutCommon(ref w, name, mtu, null);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, BridgeKind);
        if (vlanFiltering)
        {
            NestToken data = w.BeginNest(IFLA_INFO_DATA);
            w.PutU8(IFLA_BR_VLAN_FILTERING, 1);
            w.EndNest(data);
        }
        w.EndNest(linkInfo);
        w.EndMessage();
    }

    private static BridgeData ReadBridgeData(AttributeReader data)
    {
        var bridge = new BridgeData();
        foreach (NetlinkAttribute a in data)
        {
            bridge = a.Type switch
            {
                IFLA_BR_VLAN_FILTERING => bridge with { VlanFiltering = a.GetU8() != 0 },
                IFLA_BR_VLAN_DEFAULT_PVID => bridge with { VlanDefaultPvid = a.GetU16() },
                IFLA_BR_STP_STATE => bridge with { StpState = a.GetU32() },
                IFLA_BR_AGEING_TIME => bridge with { AgeingTime = a.GetU32() },
                IFLA_BR_MCAST_SNOOPING => bridge with { MulticastSnooping = a.GetU8() != 0 },
                _ => bridge,
            };
        }
        return bridge;
    }
}
