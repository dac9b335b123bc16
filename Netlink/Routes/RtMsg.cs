using System.Runtime.InteropServices;

namespace CniBox.Netlink.Routes;

/// <summary>struct rtmsg (linux/rtnetlink.h), 12 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct RtMsg
{
    public byte rtm_family;
    public byte rtm_dst_len;
    public byte rtm_src_len;
    public byte rtm_tos;
    public byte rtm_table;
    public byte rtm_protocol;
    public byte rtm_scope;
    public byte rtm_type;
    public uint rtm_flags;
}
