using System.Runtime.InteropServices;

namespace CniBox.Netlink.Socket;

/// <summary>struct sockaddr_nl (linux/netlink.h), 12 bytes; Tmds.LibC has no netlink address.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SockaddrNl
{
    public ushort nl_family;
    public ushort nl_pad;
    public uint nl_pid;
    public uint nl_groups;
}
