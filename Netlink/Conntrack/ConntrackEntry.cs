using System.Net;
using System.Net.Sockets;

namespace CniBox.Netlink.Conntrack;

/// <summary>
/// One connection tracking entry, seen through its original-direction tuple (what <c>conntrack -L</c> prints first):
/// <paramref name="Protocol"/> is the IPPROTO number (17 for UDP), the ports are 0 for protocols without ports (ICMP),
/// <paramref name="Zone"/> is the entry's CTA_ZONE (0, the default zone, when the kernel sent none).
/// </summary>
public sealed record ConntrackEntry(
    AddressFamily Family,
    byte Protocol,
    IPAddress Source,
    IPAddress Destination,
    ushort SourcePort,
    ushort DestinationPort,
    ushort Zone);

/// <summary>
/// A dumped entry with its CTA_TUPLE_ORIG payload exactly as the kernel wrote it, so a delete names the very
/// tuple (a direction-bound CTA_TUPLE_ZONE or an ICMP id included) whatever of it <see cref="ConntrackEntry"/> keeps.
/// </summary>
internal sealed record ConntrackFlow(ConntrackEntry Entry, byte[] OriginalTuple);
