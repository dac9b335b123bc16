using System.Runtime.InteropServices;

namespace CniBox.Netlink.Addresses;

/// <summary>struct ifaddrmsg (linux/if_addr.h), 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct IfAddrMsg
{
    public byte ifa_family;
    public byte ifa_prefixlen;
    public byte ifa_flags;
    public byte ifa_scope;
    public uint ifa_index;
}
