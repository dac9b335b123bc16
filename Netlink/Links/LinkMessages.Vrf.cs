using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Links;

/// <summary>The vrf kind (linux/if_link.h IFLA_VRF_*): a device whose ports' routes go to its own table.</summary>
public static partial class LinkMessages
{
    public const string VrfKind = "vrf";

    private const ushort IFLA_VRF_TABLE = 1;

    /// <summary>As <c>ip link add NAME type vrf table T</c>: IFLA_IFNAME, IFLA_LINKINFO { KIND "vrf", DATA { IFLA_VRF_TABLE } }.</summary>
    public static void AddVrf(ref NetlinkWriter w, uint seq, string name, uint table)
    {
        CheckName(name);
        w.BeginMessage(RTM_NEWLINK, CreateFlags, seq);
        w.WriteStruct(new IfInfoMsg());
        w.PutStringZ(IFLA_IFNAME, name);
        NestToken linkInfo = w.BeginNest(IFLA_LINKINFO);
        w.PutString(IFLA_INFO_KIND, VrfKind);
        NestToken data = w.BeginNest(IFLA_INFO_DATA);
        w.PutU32(IFLA_VRF_TABLE, table);
        w.EndNest(data);
        w.EndNest(linkInfo);
        w.EndMessage();
    }

    private static VrfData ReadVrfData(AttributeReader data)
    {
        uint table = 0;
        foreach (NetlinkAttribute a in data)
            if (a.Type == IFLA_VRF_TABLE) table = a.GetU32();
        return new VrfData(table);
    }
}
