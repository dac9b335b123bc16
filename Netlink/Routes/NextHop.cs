using System.Net;

namespace CniBox.Netlink.Routes;

/// <summary>One path of an ECMP route: <c>nexthop via GW dev X weight W</c> (an rtnexthop in RTA_MULTIPATH).</summary>
/// <param name="Weight">1 to 256; the kernel stores weight - 1 in rtnh_hops.</param>
public sealed record NextHop(IPAddress? Gateway, int OutIndex, int Weight = 1);
