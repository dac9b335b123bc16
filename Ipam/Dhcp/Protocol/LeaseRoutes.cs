using System.Net;

namespace CniBox.Ipam.Dhcp.Protocol;

/// <summary>A route a lease gives; a null gateway is on-link (option 121 with router 0.0.0.0).</summary>
public sealed record LeaseRoute(IPAddress Destination, int PrefixLength, IPAddress? Gateway);

/// <summary>
/// Routes and name service from a lease's options as Go's dhcp plugin reads them: option 121 (RFC 3442) wins and
/// then options 3 and 33 are ignored; else option 33's classful routes, then a default route via the first router.
/// </summary>
public static class LeaseRoutes
{
    public static IReadOnlyList<LeaseRoute> Of(DhcpOptions options)
    {
        var classless = Classless(options.Get(DhcpOptionCode.ClasslessStaticRoutes));
        if (classless.Count > 0) return classless;
        var routes = new List<LeaseRoute>();
        var statics = options.Addresses(DhcpOptionCode.StaticRoutes);
        for (int i = 0; i + 1 < statics.Count; i += 2)
            routes.Add(new LeaseRoute(statics[i], ClassfulPrefix(statics[i]), statics[i + 1]));
        if (Router(options) is { } router) routes.Add(new LeaseRoute(IPAddress.Any, 0, router));
        return routes;
    }

    public static IPAddress? Router(DhcpOptions options) =>
        options.Addresses(DhcpOptionCode.Router) is [var first, ..] ? first : null;

    /// <summary>Option 121: width, the significant octets of the destination, the router; malformed input ends the list.</summary>
    public static List<LeaseRoute> Classless(byte[]? data)
    {
        var routes = new List<LeaseRoute>();
        if (data is null) return routes;
        int i = 0;
        while (i < data.Length)
        {
            int width = data[i++];
            int octets = (width + 7) / 8;
            if (width > 32 || i + octets + 4 > data.Length) return [];
            var destination = new byte[4];
            data.AsSpan(i, octets).CopyTo(destination);
            i += octets;
            var gateway = new IPAddress(data.AsSpan(i, 4));
            i += 4;
            routes.Add(new LeaseRoute(new IPAddress(destination), width, gateway.Equals(IPAddress.Any) ? null : gateway));
        }
        return routes;
    }

    /// <summary>The address class's default prefix (A /8, B /16, C /24), as Go's client uses without a mask.</summary>
    internal static int ClassfulPrefix(IPAddress destination)
    {
        byte first = destination.GetAddressBytes()[0];
        return first < 128 ? 8 : first < 192 ? 16 : 24;
    }

    /// <summary>Option 119 (RFC 3397): DNS names with RFC 1035 compression pointers into the option itself.</summary>
    public static IReadOnlyList<string> DomainSearch(byte[]? data)
    {
        var names = new List<string>();
        if (data is null) return names;
        int i = 0;
        while (i < data.Length)
        {
            var name = ReadName(data, ref i);
            if (name is null) return names;
            names.Add(name);
        }
        return names;
    }

    private static string? ReadName(byte[] data, ref int position)
    {
        var labels = new List<string>();
        int i = position, jumps = 0;
        bool jumped = false;
        while (true)
        {
            if (i >= data.Length) return null;
            int length = data[i];
            if (length == 0)
            {
                if (!jumped) position = i + 1;
                return string.Join('.', labels);
            }
            if ((length & 0xc0) == 0xc0)
            {
                if (i + 1 >= data.Length || ++jumps > 16) return null;
                if (!jumped) position = i + 2;
                jumped = true;
                i = ((length & 0x3f) << 8) | data[i + 1];
                continue;
            }
            if (i + 1 + length > data.Length) return null;
            labels.Add(System.Text.Encoding.ASCII.GetString(data, i + 1, length));
            i += 1 + length;
        }
    }
}
