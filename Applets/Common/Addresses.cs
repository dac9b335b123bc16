using System.Net;
using CniBox.Spec;
using CniBox.Spec.Addressing;

namespace CniBox.Applets.Common;

/// <summary>Conversions between result text ("10.1.0.5/24"), our IP math and System.Net types for netlink.</summary>
public static class Addresses
{
    public static IPAddress ToIp(this IpAddr ip) => new(ip.ToBytes());

    /// <summary>The network of <paramref name="net"/> (host bits cleared) as a System.Net prefix.</summary>
    public static IPNetwork ToPrefix(this IpNet net) => new(net.Network.ToIp(), net.FamilyPrefix);

    /// <summary>
    /// The broadcast vishvananda/netlink's AddrAdd fills in for an IPv4 address shorter than /31 (as
    /// <c>ip addr add X/24 brd +</c>); null otherwise.
    /// </summary>
    public static IPAddress? Broadcast(this IpNet net) =>
        net.Address.IsV4 && net.FamilyPrefix < 31 ? net.Last.ToIp() : null;

    /// <summary>A result's address ("10.1.0.5/24"); a malformed one is a plugin error naming it.</summary>
    public static IpNet ParseCidr(string text, string what) =>
        IpNet.TryParse(text, out var net) ? net : throw new CniException(ErrorCode.Internal, $"invalid {what} \"{text}\"");

    public static IpAddr? ParseIp(string? text, string what)
    {
        if (string.IsNullOrEmpty(text)) return null;
        return IpAddr.TryParse(text, out var ip) ? ip : throw new CniException(ErrorCode.Internal, $"invalid {what} \"{text}\"");
    }

    /// <summary>Go's net.IP.IsGlobalUnicast: not unspecified, loopback, multicast, link-local or the v4 broadcast.</summary>
    public static bool IsGlobalUnicast(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) return false;
        var b = ip.GetAddressBytes();
        if (b.Length == 4)
            return !(b[0] >= 224 || (b[0] == 169 && b[1] == 254));
        return !(b[0] == 0xff || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80));
    }
}
