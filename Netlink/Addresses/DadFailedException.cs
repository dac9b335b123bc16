using System.Net;

namespace CniBox.Netlink.Addresses;

/// <summary>IPv6 duplicate address detection failed (IFA_F_DADFAILED): another node uses the address.</summary>
public sealed class DadFailedException(int index, IPAddress address)
    : Exception($"link #{index} has address {address} in DADFAILED state")
{
    public int Index { get; } = index;

    public IPAddress Address { get; } = address;
}
