using System.Net.Sockets;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Netfilter;
using static CniBox.Netlink.Constants.Ctnl;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Conntrack;

/// <summary>
/// ctnetlink requests as conntrack-tools 1.4.7 sends them (captured with strace; see the golden tests). A delete
/// carries only what the kernel's ctnetlink_del_conntrack reads of it: the original tuple and the zone, where
/// conntrack also copies the reply tuple, status, timeout and mark of the dumped entry.
/// </summary>
public static class ConntrackMessages
{
    public static ushort Type(ushort message) => (ushort)((NFNL_SUBSYS_CTNETLINK << 8) | message);

    /// <summary><c>conntrack -L [-f ipv4|ipv6]</c>: dumps the table, one family or (Unspecified) all.</summary>
    public static void Dump(ref NetlinkWriter w, uint seq, AddressFamily family)
    {
        w.BeginMessage(Type(IPCTNL_MSG_CT_GET), NLM_F_REQUEST | NLM_F_DUMP, seq);
        w.WriteStruct(new NfGenMsg { nfgen_family = AddrMessages.ToKernel(family) });
        w.EndMessage();
    }

    /// <summary>Deletes one dumped entry: its original tuple verbatim, CTA_ZONE when it has one, with an ACK.</summary>
    internal static void Delete(ref NetlinkWriter w, uint seq, ConntrackFlow flow)
    {
        w.BeginMessage(Type(IPCTNL_MSG_CT_DELETE), NLM_F_REQUEST | NLM_F_ACK, seq);
        w.WriteStruct(new NfGenMsg { nfgen_family = AddrMessages.ToKernel(flow.Entry.Family) });
        w.PutBytes(CTA_TUPLE_ORIG | NLA_F_NESTED, flow.OriginalTuple);
        if (flow.Entry.Zone != 0)
            w.PutU16BigEndian(CTA_ZONE, flow.Entry.Zone);
        w.EndMessage();
    }
}
