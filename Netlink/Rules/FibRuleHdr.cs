using System.Runtime.InteropServices;

namespace CniBox.Netlink.Rules;

/// <summary>struct fib_rule_hdr (linux/fib_rules.h), 12 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FibRuleHdr
{
    public byte family;
    public byte dst_len;
    public byte src_len;
    public byte tos;
    public byte table;
    public byte res1;
    public byte res2;
    public byte action;
    public uint flags;
}
