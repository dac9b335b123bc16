using System.Net;
using System.Net.Sockets;

namespace CniBox.Netlink.Addresses;

/// <summary>An address as RTM_NEWADDR describes it.</summary>
/// <param name="Address">IFA_LOCAL when present (it differs from IFA_ADDRESS on point-to-point links), else IFA_ADDRESS.</param>
/// <param name="Scope">RT_SCOPE_* (0 universe, 253 link, 254 host).</param>
/// <param name="Flags">IFA_FLAGS when present, else the 8-bit ifa_flags (IFA_F_PERMANENT 0x80 ...).</param>
/// <param name="Label">IFA_LABEL (IPv4 only), null when absent.</param>
public sealed record AddrInfo(
    int Index,
    AddressFamily Family,
    int PrefixLength,
    IPAddress Address,
    byte Scope,
    uint Flags,
    string? Label)
{
    public override string ToString() => $"{Address}/{PrefixLength} dev#{Index}";
}
