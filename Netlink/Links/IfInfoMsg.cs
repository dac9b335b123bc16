using System.Runtime.InteropServices;

namespace CniBox.Netlink.Links;

/// <summary>struct ifinfomsg (linux/rtnetlink.h), 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct IfInfoMsg
{
    public byte ifi_family;
    public byte ifi_pad;
    public ushort ifi_type;
    public int ifi_index;
    public uint ifi_flags;
    public uint ifi_change;
}
