using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

/// <summary>The 802.1Q vlan kind (linux/if_link.h IFLA_VLAN_*): creation and its IFLA_INFO_DATA.</summary>
public static partial class LinkMessages
{
    public const string VlanKind = "vlan";

    /// <summary>The highest 802.1Q id a link may carry (4095 is reserved).</summary>
    public const int MaxVlanId = 4094;

    private const ushort IFLA_VLAN_ID = 1;

    /// <summary>
    /// As <c>ip link add NAME link PARENT [mtu M] [netns NS] type vlan id ID</c>. <paramref name="nsFd"/> is the
    /// netns to create it in, or -1 for this one.
    /// </summary>
    public static void AddVlan(ref NetlinkWriter w, uint seq, VlanOptions vlan, int nsFd = -1)
    {
        CheckName(vlan.Name);
        if (vlan.VlanId is < 0 or > MaxVlanId)
            throw new ArgumentException($"vlan id {vlan.VlanId} is outside 0-{MaxVlanId}", nameof(vlan));
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        PutChildLink(ref w, vlan.Name, vlan.Mtu, null, nsFd, vlan.ParentIndex);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, VlanKind);
        NestToken data = w.BeginNest(IFLA_INFO_DATA);
        w.PutU16(IFLA_VLAN_ID, (ushort)vlan.VlanId);
        w.EndNest(data);
        w.EndNest(linkInfo);
        w.EndMessage();
    }

    private static VlanData ReadVlanData(AttributeReader data)
    {
        var vlan = new VlanData(0);
        foreach (NetlinkAttribute a in data)
        {
            if (a.Type == IFLA_VLAN_ID)
                vlan = new VlanData(a.GetU16());
        }
        return vlan;
    }
}
