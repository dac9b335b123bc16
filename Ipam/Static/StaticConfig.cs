using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Json;
using CniBox.Spec.Results;

namespace CniBox.Ipam.Static;

/// <summary>One address the static plugin hands out, with its optional gateway.</summary>
public readonly record struct StaticAddress(IpNet Address, IpAddr? Gateway);

/// <summary>
/// static's view of a request config, as Go's <c>LoadIPAMConfig</c> (plugins/ipam/static) builds it:
/// <c>ipam.addresses</c>, then CNI_ARGS <c>IP=</c> appended and <c>GATEWAY=</c> attached; <c>args.cni.ips</c>
/// and then <c>runtimeConfig.ips</c> each replace the whole list (so runtimeConfig wins). Every failure has Go's
/// text; it is a plain plugin error (code 999) as in Go, except a JSON type mismatch (code 6, a decoding failure).
/// </summary>
/// <remarks>
/// Go quirks kept on purpose: a <c>GATEWAY=</c> only reaches addresses that came from <c>IP=</c> (the config's
/// addresses are still unparsed strings at that point in Go), and every such address containing it, the last
/// gateway winning; addresses from args/runtimeConfig never carry a gateway; a null entry of
/// <c>ipam.addresses</c> is an empty address (an error), not a skipped one.
/// </remarks>
public sealed class StaticConfig
{
    public required string Name { get; init; }
    /// <summary>The cniVersion as written ("" when absent): Go's multi-address check reads it raw.</summary>
    public required string CniVersion { get; init; }
    public required IReadOnlyList<StaticAddress> Addresses { get; init; }
    public required IReadOnlyList<ResultRoute> Routes { get; init; }
    public required ResultDns Dns { get; init; }

    // Go prints these anonymous struct types in its type errors.
    private const string RuntimeConfigType = "struct { IPs []string \"json:\\\"ips,omitempty\\\"\" }";
    private const string ArgsType = "struct { A *main.IPAMArgs \"json:\\\"cni\\\"\" }";

    public static StaticConfig Parse(ReadOnlySpan<byte> stdin, string? cniArgs)
    {
        JsonDocument doc;
        try
        {
            doc = GoJsonInput.Parse(stdin.ToArray());
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.Internal, JsonErrors.Describe(e));
        }
        using (doc) return Parse(doc.RootElement, cniArgs);
    }

    public static StaticConfig Parse(JsonElement root, string? cniArgs)
    {
        try
        {
            return Load(root, cniArgs);
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, JsonErrors.Describe(e));
        }
        catch (FormatException e)
        {
            throw new CniException(ErrorCode.Internal, e.Message);
        }
    }

    /// <summary>An address from the config or the runtime, before Go's validation loop parses it.</summary>
    private sealed class Entry
    {
        public string Text = "";
        public IpNet? Parsed;
        public IpAddr? Gateway;
    }

    private static StaticConfig Load(JsonElement element, string? cniArgs)
    {
        // Decoding: every JSON shape error comes before any semantic check, as json.Unmarshal runs first in Go.
        var root = JsonFields.Root(element, "main.Net");
        var name = root.String("name") ?? "";
        var version = root.String("cniVersion") ?? "";
        var ipam = root.Object("ipam", "main.IPAMConfig");
        var runtime = root.Object("runtimeConfig", RuntimeConfigType, owner: "");
        var runtimeIps = runtime.StringList("ips");
        var args = root.Object("args", ArgsType, owner: "");
        var argIps = args.Object("cni", "main.IPAMArgs").StringList("ips");

        _ = ipam.String("Name");
        _ = ipam.String("type");
        var entries = ReadAddresses(ipam);
        var routes = ReadRoutes(ipam);
        var dnsFields = ipam.Object("dns", "types.DNS");
        var dns = dnsFields.Exists ? ResultDns.Read(dnsFields) : new ResultDns();

        if (!ipam.Exists) throw new FormatException("IPAM config missing 'ipam' key");

        if (!string.IsNullOrEmpty(cniArgs))
        {
            var env = CniArgs.Parse(cniArgs, ["IP", "GATEWAY"]);
            if (env.TryGetValue("IP", out var ipText) && ipText != "")
            {
                foreach (var item in ipText.Split(','))
                {
                    var text = item.Trim();
                    if (!IpNet.TryParse(text, out var net))
                        throw new FormatException($"the 'ip' field is expected to be in CIDR notation, got: '{text}'");
                    entries.Add(new Entry { Text = text, Parsed = net });
                }
            }
            if (env.TryGetValue("GATEWAY", out var gwText) && gwText != "")
            {
                foreach (var item in gwText.Split(','))
                {
                    if (!IpAddr.TryParse(item.Trim(), out var gw))
                        throw new FormatException($"invalid gateway address: {item}");
                    foreach (var entry in entries)
                        if (entry.Parsed is { } net && net.Contains(gw)) entry.Gateway = gw;
                }
            }
        }

        if (argIps is { Count: > 0 }) entries = FromRuntime(argIps);
        if (runtimeIps is { Count: > 0 }) entries = FromRuntime(runtimeIps);

        var addresses = new List<StaticAddress>(entries.Count);
        int v4 = 0, v6 = 0;
        foreach (var entry in entries)
        {
            if (entry.Parsed is not { } net)
            {
                if (!IpNet.TryParse(entry.Text, out net))
                    throw new FormatException($"the 'address' field is expected to be in CIDR notation, got: '{entry.Text}'");
            }
            if (net.Address.IsV4) v4++;
            else v6++;
            addresses.Add(new StaticAddress(net, entry.Gateway));
        }
        if ((v4 > 1 || v6 > 1) && !AtLeast030(version))
            throw new FormatException($"CNI version {version} does not support more than 1 address per family");

        return new StaticConfig { Name = name, CniVersion = version, Addresses = addresses, Routes = routes, Dns = dns };
    }

    private static List<Entry> FromRuntime(List<string> ips)
    {
        var entries = new List<Entry>(ips.Count);
        foreach (var text in ips)
        {
            if (!IpNet.TryParse(text, out var net))
                throw new FormatException($"an entry in the 'ips' field is NOT in CIDR notation, got: '{text}'");
            entries.Add(new Entry { Text = text, Parsed = net });
        }
        return entries;
    }

    /// <summary>
    /// Go's <c>[]Address</c>: "address" fills AddressStr, "gateway" a net.IP, "version" a string. The exact key
    /// "Address" is Go's untagged net.IPNet field; only its type is checked here (see the class remarks).
    /// </summary>
    private static List<Entry> ReadAddresses(JsonFields ipam)
    {
        var entries = new List<Entry>();
        foreach (var item in ipam.Objects("addresses", "[]main.Address"))
        {
            var entry = new Entry();
            entries.Add(entry);
            if (!item.Exists) continue;
            foreach (var p in item.Element.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Null) continue;
                if (p.Name == "Address")
                {
                    if (p.Value.ValueKind != JsonValueKind.Object) throw item.Mismatch(p.Value, "Address", "net.IPNet");
                }
                else if (JsonFields.KeyMatches(p, "address"))
                {
                    entry.Text = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw item.Mismatch(p.Value, "address", "string");
                }
                else if (JsonFields.KeyMatches(p, "gateway"))
                {
                    if (p.Value.ValueKind != JsonValueKind.String) throw item.Mismatch(p.Value, "gateway", "net.IP");
                    entry.Gateway = ParseIp(p.Value.GetString()!);
                }
                else if (JsonFields.KeyMatches(p, "version") && p.Value.ValueKind != JsonValueKind.String)
                {
                    throw item.Mismatch(p.Value, "Version", "string");
                }
            }
        }
        return entries;
    }

    /// <summary>
    /// Go's <c>[]*types.Route</c>. types.Route decodes itself, so Go labels every error inside a route with the
    /// enclosing field, "IPAMConfig.ipam.routes". A null entry is skipped (Go would print it as null).
    /// </summary>
    private static List<ResultRoute> ReadRoutes(JsonFields ipam)
    {
        var routes = new List<ResultRoute>();
        if (!ipam.TryGet("routes", out var array)) return routes;
        if (array.ValueKind != JsonValueKind.Array) throw ipam.Mismatch(array, "routes", "[]*types.Route");
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Null) continue;
            if (item.ValueKind != JsonValueKind.Object) throw ipam.Mismatch(item, "routes", "types.route");
            var r = JsonFields.Root(item, "types.route");
            var dst = RouteString(ipam, r, "dst", "string");
            var gw = RouteString(ipam, r, "gw", "net.IP");
            routes.Add(new ResultRoute
            {
                Dst = dst is null ? "<nil>" : IpNet.TryParse(dst, out var d) ? d.ToString() : throw new FormatException($"invalid CIDR address: {dst}"),
                Gw = string.IsNullOrEmpty(gw) ? null : ParseIp(gw)?.ToString(),
                Mtu = RouteInt(ipam, r, "mtu") is { } mtu and not 0 ? mtu : null,
                AdvMss = RouteInt(ipam, r, "advmss") is { } mss and not 0 ? mss : null,
                Priority = RouteInt(ipam, r, "priority") is { } prio and not 0 ? prio : null,
                Table = RouteInt(ipam, r, "table"),
                Scope = RouteInt(ipam, r, "scope"),
            });
        }
        return routes;
    }

    private static string? RouteString(JsonFields ipam, JsonFields route, string name, string goType)
    {
        if (!route.TryGet(name, out var v)) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw ipam.Mismatch(v, "routes", goType);
    }

    private static int? RouteInt(JsonFields ipam, JsonFields route, string name)
    {
        if (!route.TryGet(name, out var v)) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : throw ipam.Mismatch(v, "routes", "int");
    }

    /// <summary>net.IP's UnmarshalText; "" is no IP.</summary>
    private static IpAddr? ParseIp(string text)
    {
        if (text == "") return null;
        return IpAddr.TryParse(text, out var ip) ? ip : throw new FormatException($"invalid IP address: {text}");
    }

    /// <summary>Go's version.GreaterThanOrEqualTo(v, "0.3.0"), where "" does not parse and so is false.</summary>
    private static bool AtLeast030(string version) =>
        version != "" && Spec.CniVersion.TryParse(version, out var v) && v.CompareTo((0, 3, 0)) >= 0;
}
