using System.Runtime.InteropServices;

namespace CniBox.Netlink.Netfilter;

/// <summary>struct nfgenmsg (linux/netfilter/nfnetlink.h), 4 bytes: family, version, res_id in network byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NfGenMsg
{
    public byte nfgen_family;
    public byte version;
    /// <summary>Big endian on the wire: NFNL_SUBSYS_NFTABLES (10) in batch begin/end, the ruleset generation in replies.</summary>
    public ushort res_id;
}
