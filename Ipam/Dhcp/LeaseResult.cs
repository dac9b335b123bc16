using CniBox.Netlink.Constants;
using CniBox.Ipam.Dhcp.Protocol;
using CniBox.Spec.Results;

namespace CniBox.Ipam.Dhcp;

/// <summary>
/// The CNI result of a lease: Go's address, gateway and routes (option 121 alone when present; else option 33 and
/// a default route via the router; on-link 121 routes get scope link as Go 1.8), plus what Go leaves out: DNS from
/// options 6, 15 and 119. <c>priority</c> becomes every route's metric.
/// </summary>
public static class LeaseResult
{
    public static CniResult Of(DhcpLease lease, int priority)
    {
        var result = new CniResult();
        result.Ips.Add(new IpConfig
        {
            Address = $"{lease.Address}/{lease.PrefixLength}",
            Gateway = LeaseRoutes.Router(lease.Options)?.ToString(),
        });
        foreach (var route in LeaseRoutes.Of(lease.Options))
        {
            result.Routes.Add(new ResultRoute
            {
                Dst = $"{route.Destination}/{route.PrefixLength}",
                Gw = route.Gateway?.ToString(),
                Scope = route.Gateway is null ? Rtm.RT_SCOPE_LINK : null,
                Priority = priority > 0 ? priority : null,
            });
        }
        var servers = lease.Options.Addresses(DhcpOptionCode.DomainNameServer);
        if (servers.Count > 0) result.Dns.Nameservers = servers.Select(s => s.ToString()).ToList();
        if (lease.Options.Get(DhcpOptionCode.DomainName) is { Length: > 0 } domain)
            result.Dns.Domain = System.Text.Encoding.ASCII.GetString(domain).TrimEnd('\0');
        var search = LeaseRoutes.DomainSearch(lease.Options.Get(DhcpOptionCode.DomainSearch));
        if (search.Count > 0) result.Dns.Search = [.. search];
        return result;
    }

}
