using CniBox.Netlink.Constants;
using System.Net;
using System.Net.Sockets;
using CniBox.Applets.Common;
using CniBox.Netlink.Links;
using CniBox.Netlink.Routes;
using CniBox.Netlink.Rtnl;
using CniBox.Netlink.Rules;
using CniBox.Netlink.Socket;
using CniBox.Spec;
using Serilog;

namespace CniBox.Applets.Sbr;

/// <summary>One address of the interface with its subnet and gateway, in the System.Net types netlink takes.</summary>
public sealed record SourceAddress(IPAddress Ip, IPNetwork Subnet, IPAddress? Gateway)
{
    public AddressFamily Family => Ip.AddressFamily;
    public IPNetwork HostPrefix => new(Ip, Family == AddressFamily.InterNetwork ? 32 : 128);
}

/// <summary>
/// sbr's ADD (Go's doRoutes): per address, the first free table from 100 (free = no rule and no route uses it),
/// <c>from ip lookup T</c>, <c>default via gw table T</c>, and the link's main-table routes that belong to the
/// address copied into T; then the link's main-table routes are deleted (with addSourceHints, its subnet routes
/// stay, given the address as source). With a configured table, only the rules. Unlike Go, a failure undoes
/// everything done so far.
/// </summary>
public static class SbrRouting
{
    public const uint FirstTable = 100;
    private const uint MainTable = Rta.RT_TABLE_MAIN;

    /// <summary>
    /// RTPROT_STATIC on the default route ADD adds to a table (Go: RTPROT_BOOT). When main had a default route too, its
    /// copy replaces this one and brings main's protocol: so DEL knows which default route main never had.
    /// </summary>
    private const byte AddedHere = 4;

    public static void Add(RtnlHandle rtnl, LinkInfo link, IReadOnlyList<SourceAddress> sources, SbrConfig cfg, ILogger log)
    {
        var undo = new Stack<(string What, Action Step)>();
        try
        {
            if (cfg.Table is { } fixedTable)
            {
                foreach (var s in sources) AddRule(rtnl, s, fixedTable, undo);
                return;
            }
            var used = UsedTables(rtnl);
            var linkRoutes = MainRoutes(rtnl, link.Index);
            var table = NextFree(used, FirstTable);
            foreach (var s in sources)
            {
                log.Debug("source {Ip} uses table {Table}", s.Ip, table);
                AddRule(rtnl, s, table, undo);
                if ((cfg.GatewayFor(s.Family) ?? s.Gateway) is { } gw)
                {
                    var route = new RouteSpec { Family = s.Family, Gateway = gw, OutIndex = link.Index, Table = table, Protocol = AddedHere };
                    Step(() => rtnl.AddRoute(route), $"Failed to add default route to {gw}");
                    undo.Push(($"delete {route}", () => rtnl.DeleteRoute(route)));
                }
                foreach (var r in linkRoutes.Where(r => BelongsTo(r, s)))
                {
                    var copy = r with { Table = table };
                    Step(() => rtnl.ReplaceRoute(copy), "Failed to readd route");
                    undo.Push(($"delete {copy}", () => rtnl.DeleteRoute(copy)));
                }
                used.Add(table);
                table = NextFree(used, table + 1);
            }
            // Routes through a gateway go first, so that the undo (in reverse) puts the on-link routes they need back first.
            foreach (var r in ByGateway(linkRoutes, gatewayFirst: true))
            {
                var hinted = cfg.AddSourceHints && r.Gateway is null ? sources.FirstOrDefault(s => s.Family == r.Family && Equals(r.Destination, s.Subnet)) : null;
                if (hinted is not null)
                {
                    var withSource = r with { Source = hinted.Ip };
                    Step(() => rtnl.ReplaceRoute(withSource), "Failed to add source hint to route");
                    undo.Push(($"restore {r}", () => rtnl.ReplaceRoute(r)));
                    continue;
                }
                Step(() => rtnl.DeleteRoute(r), "Failed to delete route");
                undo.Push(($"re-add {r}", () => rtnl.AddRoute(r)));
            }
        }
        catch
        {
            while (undo.TryPop(out var u)) Rollback.Run(log, u.What, u.Step);
            throw;
        }
    }

    /// <summary>
    /// DEL: every rule whose source is one of the link's addresses (of <paramref name="table"/> only, when configured)
    /// goes. A table sbr picked itself is emptied of the link's routes, which go back to main, except the default
    /// route ADD added there (Go leaves the table and main without them). Goes on after a failure, reporting the last.
    /// </summary>
    public static void Remove(RtnlHandle rtnl, LinkInfo link, uint? table, ILogger log)
    {
        var addresses = rtnl.DumpAddresses(index: link.Index).Select(a => a.Address).ToList();
        string? failure = null;
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            foreach (var rule in rtnl.ListRules(family))
            {
                if (rule.Source is not { } src || !addresses.Contains(src.BaseAddress)) continue;
                if (table is { } t && rule.Table != t) continue;
                try
                {
                    rtnl.DeleteRule(rule);
                    log.Debug("deleted rule {Rule}", rule);
                }
                catch (NetlinkException e)
                {
                    failure = $"Failed to delete rule {rule}: {e.Message}";
                    continue;
                }
                if (table is null && rule.Table is >= FirstTable) MoveBackToMain(rtnl, rule.Table, link.Index, log);
            }
        }
        if (failure is not null) throw new CniException(ErrorCode.Internal, failure);
    }

    /// <summary>Tables any rule or route names, in either family.</summary>
    private static HashSet<uint> UsedTables(RtnlHandle rtnl)
    {
        var used = new HashSet<uint>();
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            foreach (var rule in rtnl.ListRules(family)) used.Add(rule.Table);
            foreach (var route in rtnl.ListRoutes(family)) if (route.Table is { } t) used.Add(t);
        }
        return used;
    }

    private static uint NextFree(HashSet<uint> used, uint from)
    {
        while (used.Contains(from)) from++;
        return from;
    }

    /// <summary>The link's routes in main, both families, as vishvananda's RouteList(link, FAMILY_ALL) returns them.</summary>
    private static List<RouteSpec> MainRoutes(RtnlHandle rtnl, int index) =>
        [.. new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 }
            .SelectMany(f => rtnl.ListRoutes(f, MainTable)).Where(r => r.OutIndex == index)];

    /// <summary>Go's test: the route's source or gateway is in the address' subnet, or it has neither (a generic route).</summary>
    private static bool BelongsTo(RouteSpec r, SourceAddress s) =>
        (r.Source is { } src && s.Subnet.Contains(src)) || (r.Gateway is { } gw && s.Subnet.Contains(gw))
        || (r.Source is null && r.Gateway is null);

    private static void AddRule(RtnlHandle rtnl, SourceAddress s, uint table, Stack<(string, Action)> undo)
    {
        var rule = new RuleSpec { Family = s.Family, Source = s.HostPrefix, Table = table };
        Step(() => rtnl.AddRule(rule), "Failed to add rule");
        undo.Push(($"delete rule {rule}", () => rtnl.DeleteRule(rule)));
    }

    /// <summary>A table's routes of one family; none when the kernel has no such table in that family (ENOENT).</summary>
    private static IReadOnlyList<RouteSpec> TableRoutes(RtnlHandle rtnl, AddressFamily family, uint table)
    {
        try
        {
            return rtnl.ListRoutes(family, table);
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return [];
        }
    }

    private static void MoveBackToMain(RtnlHandle rtnl, uint table, int index, ILogger log)
    {
        // On-link routes first: main must reach a gateway again before the routes through it come back.
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
            foreach (var r in ByGateway(OnLink(TableRoutes(rtnl, family, table), index), gatewayFirst: false))
            {
                if (!(r.Destination is null && r.Protocol == AddedHere))
                    Rollback.Run(log, $"move {r} back to main", () => rtnl.ReplaceRoute(r with { Table = MainTable }));
                Rollback.Run(log, $"delete {r}", () => rtnl.DeleteRoute(r));
            }
    }

    /// <summary>A stable sort on whether a route has a gateway: the ones with one first, or last.</summary>
    private static List<RouteSpec> ByGateway(IEnumerable<RouteSpec> routes, bool gatewayFirst)
    {
        var first = new List<RouteSpec>();
        var rest = new List<RouteSpec>();
        foreach (var r in routes) ((r.Gateway is not null) == gatewayFirst ? first : rest).Add(r);
        first.AddRange(rest);
        return first;
    }

    private static List<RouteSpec> OnLink(IEnumerable<RouteSpec> routes, int index)
    {
        var onLink = new List<RouteSpec>();
        foreach (var r in routes)
            if (r.OutIndex == index) onLink.Add(r);
        return onLink;
    }

    private static void Step(Action step, string what)
    {
        try
        {
            step();
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"{what}: {e.Message}");
        }
    }
}
