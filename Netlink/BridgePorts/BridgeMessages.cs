using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;
using static CniBox.Netlink.Constants.Ifla;
using static CniBox.Netlink.Constants.Nl;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.BridgePorts;

/// <summary>AF_BRIDGE link messages, byte for byte what the <c>bridge</c> tool of iproute2 6.1 sends.</summary>
public static class BridgeMessages
{
    /// <summary>
    /// As <c>bridge link set dev X [hairpin on|off] [isolated on|off]</c>: RTM_SETLINK, AF_BRIDGE,
    /// IFLA_PROTINFO (with NLA_F_NESTED) holding IFLA_BRPORT_MODE then IFLA_BRPORT_ISOLATED.
    /// </summary>
    public static void SetPortFlags(ref NetlinkWriter w, uint seq, int index, bool? hairpin, bool? isolated)
    {
        w.BeginMessage(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_family = AF_BRIDGE, ifi_index = index });
        NestToken protInfo = w.BeginNest(IFLA_PROTINFO, setNestedFlag: true);
        if (hairpin is { } h)
            w.PutU8(IFLA_BRPORT_MODE, h ? (byte)1 : (byte)0);
        if (isolated is { } i)
            w.PutU8(IFLA_BRPORT_ISOLATED, i ? (byte)1 : (byte)0);
        w.EndNest(protInfo);
        w.EndMessage();
    }

    /// <summary>
    /// As <c>bridge vlan add dev X vid N [pvid] [untagged] [self] [master]</c>: RTM_SETLINK, AF_BRIDGE,
    /// IFLA_AF_SPEC { IFLA_BRIDGE_FLAGS (only when master or self is asked), IFLA_BRIDGE_VLAN_INFO }.
    /// </summary>
    public static void AddVlan(ref NetlinkWriter w, uint seq, int index, BridgeVlan vlan, BridgeVlanTarget target)
    {
        ushort flags = (ushort)((vlan.Pvid ? BRIDGE_VLAN_INFO_PVID : 0) | (vlan.Untagged ? BRIDGE_VLAN_INFO_UNTAGGED : 0));
        Vlan(ref w, RTM_SETLINK, seq, index, vlan.Vid, flags, target);
    }

    /// <summary>As <c>bridge vlan del dev X vid N [self] [master]</c>: RTM_DELLINK with the same IFLA_AF_SPEC.</summary>
    public static void DeleteVlan(ref NetlinkWriter w, uint seq, int index, ushort vid, BridgeVlanTarget target) =>
        Vlan(ref w, RTM_DELLINK, seq, index, vid, 0, target);

    /// <summary>As <c>bridge vlan show</c>: an AF_BRIDGE link dump with IFLA_EXT_MASK RTEXT_FILTER_BRVLAN.</summary>
    public static void DumpVlans(ref NetlinkWriter w, uint seq)
    {
        w.BeginMessage(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq);
        w.WriteStruct(new IfInfoMsg { ifi_family = AF_BRIDGE });
        w.PutU32(IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN);
        w.EndMessage();
    }

    /// <summary>The VLANs in one AF_BRIDGE RTM_NEWLINK of a VLAN dump; empty for other messages.</summary>
    public static List<BridgeVlan> ParseVlans(in NetlinkMessage message, out int index)
    {
        var vlans = new List<BridgeVlan>();
        index = 0;
        if (message.Type != RTM_NEWLINK)
            return vlans;
        IfInfoMsg ifi = message.ReadStruct<IfInfoMsg>();
        index = ifi.ifi_index;
        if (ifi.ifi_family != AF_BRIDGE)
            return vlans;
        foreach (NetlinkAttribute a in message.Attributes(Unsafe.SizeOf<IfInfoMsg>()))
        {
            if (a.Type != IFLA_AF_SPEC)
                continue;
            foreach (NetlinkAttribute v in a.GetNested())
            {
                if (v.Type != IFLA_BRIDGE_VLAN_INFO || v.Payload.Length < 4)
                    continue;
                ushort flags = MemoryMarshal.Read<ushort>(v.Payload);
                ushort vid = MemoryMarshal.Read<ushort>(v.Payload[2..]);
                vlans.Add(new BridgeVlan(vid, (flags & BRIDGE_VLAN_INFO_PVID) != 0, (flags & BRIDGE_VLAN_INFO_UNTAGGED) != 0));
            }
        }
        return vlans;
    }

    private static void Vlan(ref NetlinkWriter w, ushort type, uint seq, int index, ushort vid, ushort vlanFlags, BridgeVlanTarget target)
    {
        if (vid is 0 or > 4094)
            throw new ArgumentOutOfRangeException(nameof(vid), vid, "VLAN id must be 1 to 4094");
        w.BeginMessage(type, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new IfInfoMsg { ifi_family = AF_BRIDGE, ifi_index = index });
        NestToken spec = w.BeginNest(IFLA_AF_SPEC);
        if (target != BridgeVlanTarget.None)
            w.PutU16(IFLA_BRIDGE_FLAGS, (ushort)target);
        Span<byte> info = stackalloc byte[4];
        MemoryMarshal.Write(info, in vlanFlags);
        MemoryMarshal.Write(info[2..], in vid);
        w.PutBytes(IFLA_BRIDGE_VLAN_INFO, info);
        w.EndNest(spec);
        w.EndMessage();
    }
}
