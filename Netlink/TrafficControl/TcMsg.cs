using System.Runtime.InteropServices;

namespace CniBox.Netlink.TrafficControl;

/// <summary>
/// struct tcmsg (linux/rtnetlink.h), 20 bytes: the fixed header of every RTM_*QDISC, RTM_*TCLASS and
/// RTM_*TFILTER message, followed by TCA_* attributes (<see cref="Constants.Tca"/>). Written and read with
/// <c>NetlinkWriter.WriteStruct</c> and <c>NetlinkMessage.ReadStruct</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcMsg
{
    public byte tcm_family;
    public byte tcm__pad1;
    public ushort tcm__pad2;
    public int tcm_ifindex;

    /// <summary>The object's own handle, major:minor in the high:low 16 bits (<see cref="TcHandle"/>).</summary>
    public uint tcm_handle;

    /// <summary>The parent: TC_H_ROOT, TC_H_INGRESS, or a class handle.</summary>
    public uint tcm_parent;

    /// <summary>For filters: priority in the high 16 bits, the ETH_P_* protocol (network byte order) in the low 16.</summary>
    public uint tcm_info;
}
