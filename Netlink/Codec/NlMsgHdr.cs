using System.Runtime.InteropServices;

namespace CniBox.Netlink.Codec;

/// <summary>struct nlmsghdr (linux/netlink.h), 16 bytes, host byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NlMsgHdr
{
    public uint nlmsg_len;
    public ushort nlmsg_type;
    public ushort nlmsg_flags;
    public uint nlmsg_seq;
    public uint nlmsg_pid;
}
