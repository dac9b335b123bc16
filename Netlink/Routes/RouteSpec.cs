using System.Net;
using System.Net.Sockets;

namespace CniBox.Netlink.Routes;

/// <summary>
/// A route as <c>ip route</c> spells it. Null members mean "not given": on add they take iproute's
/// defaults (table main, or local for local/broadcast/anycast/nat; protocol boot; type unicast; scope
/// link without a gateway, host for local/nat, else universe); on delete they match anything.
/// Dumps fill in every member the kernel reports.
/// </summary>
public sealed record RouteSpec
{
    private readonly AddressFamily _family;

    /// <summary>RTA_DST with rtm_dst_len; null is <c>default</c> (0.0.0.0/0 or ::/0 without an RTA_DST).</summary>
    public IPNetwork? Destination { get; init; }

    /// <summary>RTA_GATEWAY (<c>via</c>).</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>RTA_OIF (<c>dev</c>); 0 when not given.</summary>
    public int OutIndex { get; init; }

    /// <summary>RTA_PREFSRC (<c>src</c>).</summary>
    public IPAddress? Source { get; init; }

    /// <summary>rtm_scope: RT_SCOPE_UNIVERSE 0, LINK 253, HOST 254.</summary>
    public byte? Scope { get; init; }

    /// <summary>Routing table id; above 255 it travels in RTA_TABLE.</summary>
    public uint? Table { get; init; }

    /// <summary>RTA_PRIORITY (<c>metric</c>).</summary>
    public uint? Metric { get; init; }

    /// <summary>RTAX_MTU in RTA_METRICS; 0 when not set.</summary>
    public uint Mtu { get; init; }

    /// <summary>RTAX_ADVMSS in RTA_METRICS; 0 when not set.</summary>
    public uint AdvMss { get; init; }

    public RouteType? Type { get; init; }

    /// <summary>rtm_protocol: RTPROT_KERNEL 2, BOOT 3 (what <c>ip route add</c> uses), STATIC 4 ...</summary>
    public byte? Protocol { get; init; }

    /// <summary>ECMP paths (RTA_MULTIPATH); null or empty for a single-path route.</summary>
    public IReadOnlyList<NextHop>? Multipath { get; init; }

    /// <summary>Explicit, else taken from the destination, gateway, first next hop or source.</summary>
    public AddressFamily Family
    {
        get => _family != AddressFamily.Unspecified
            ? _family
            : (Destination?.BaseAddress ?? Gateway ?? Multipath?.FirstOrDefault(h => h.Gateway is not null)?.Gateway ?? Source)?.AddressFamily
                ?? AddressFamily.Unspecified;
        init => _family = value;
    }

    public bool Equals(RouteSpec? other) =>
        other is not null && Family == other.Family && Equals(Destination, other.Destination) && Equals(Gateway, other.Gateway)
        && OutIndex == other.OutIndex && Equals(Source, other.Source) && Scope == other.Scope && Table == other.Table
        && Metric == other.Metric && Mtu == other.Mtu && AdvMss == other.AdvMss && Type == other.Type && Protocol == other.Protocol
        && (Multipath ?? []).SequenceEqual(other.Multipath ?? []);

    public override int GetHashCode() => HashCode.Combine(Destination, Gateway, OutIndex, Table, Metric);

    public override string ToString()
    {
        string dst = Destination?.ToString() ?? "default";
        string via = Gateway is null ? "" : $" via {Gateway}";
        string dev = OutIndex == 0 ? "" : $" dev#{OutIndex}";
        string src = Source is null ? "" : $" src {Source}";
        string table = Table is null ? "" : $" table {Table}";
        string metric = Metric is null ? "" : $" metric {Metric}";
        string hops = Multipath is { Count: > 0 } m ? string.Concat(m.Select(h => $" nexthop via {h.Gateway} dev#{h.OutIndex} weight {h.Weight}")) : "";
        return $"{dst}{via}{dev}{src}{table}{metric}{hops}";
    }
}
