using System.Net;

namespace CniBox.Netlink.Addresses;

/// <summary>An address to add, as <c>ip addr add IP/PREFIX [broadcast B] [scope S] dev X [nodad ...]</c> spells it.</summary>
/// <param name="Index">The link's ifindex (<c>dev</c>).</param>
public sealed record AddrSpec(int Index, IPAddress Address, int PrefixLength)
{
    /// <summary>IFA_F_* (IFA_F_NODAD, IFA_F_NOPREFIXROUTE ...).</summary>
    public uint Flags { get; init; }

    /// <summary>RT_SCOPE_*; 0 (universe) unless given.</summary>
    public byte Scope { get; init; }

    /// <summary>IFA_BROADCAST, IPv4 only.</summary>
    public IPAddress? Broadcast { get; init; }

    public override string ToString() => $"{Address}/{PrefixLength} dev #{Index}";
}
