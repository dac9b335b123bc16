using System.Globalization;
using System.Text.Json;
using CniBox.Spec.Addressing;
using CniBox.Spec.Json;
using CniBox.Spec.Runtime;

namespace CniBox.Applets.Flannel;

/// <summary>The delegate's config as flannel writes it to its dataDir, and the plugin type it names.</summary>
public sealed record DelegateConf(string Type, string Json);

/// <summary>
/// flannel's cmdAdd/doCmdAdd/getDelegateIPAM: the <c>delegate</c> map completed from subnet.env (type bridge,
/// ipMasq = !FLANNEL_IPMASQ, mtu, isGateway for bridge, name, cniVersion, runtimeConfig) and an <c>ipam</c> whose
/// <c>ranges</c> are this node's subnets and whose <c>routes</c> add each flannel network. The text is Go's
/// json.Marshal of a map: keys sorted at every level, the user's values re-encoded as Go decoded them.
/// </summary>
public static class FlannelDelegate
{
    /// <summary>Builds the delegate; a bad <c>delegate</c> or <c>ipam.routes</c> is a FormatException with flannel's text.</summary>
    public static DelegateConf Build(FlannelConfig config, SubnetEnv env)
    {
        var members = new SortedDictionary<string, string>(GoGenericJson.KeyOrder);
        if (config.Delegate is { } given)
        {
            foreach (var (key, value) in GoGenericJson.Members(given)) members[key] = GoGenericJson.Marshal(value);
            if (GoGenericJson.Members(given).TryGetValue("type", out var t) && t.ValueKind != JsonValueKind.String)
                throw new FormatException("'delegate' dictionary, if present, must have (string) 'type' field");
            if (members.ContainsKey("name"))
                throw new FormatException("'delegate' dictionary must not have 'name' field, it'll be set by flannel");
            if (members.ContainsKey("ipam"))
                throw new FormatException("'delegate' dictionary must not have 'ipam' field, it'll be set by flannel");
        }
        if (config.RuntimeConfig is { } runtime) members["runtimeConfig"] = GoGenericJson.Marshal(runtime);

        members["name"] = Quoted(config.Config.NetworkName);
        var type = config.Delegate is { } d && GoGenericJson.Members(d).TryGetValue("type", out var typeValue)
            ? typeValue.GetString()!
            : "bridge";
        members.TryAdd("type", Quoted(type));
        members.TryAdd("ipMasq", env.IpMasq ? "false" : "true");
        members.TryAdd("mtu", env.Mtu.ToString(CultureInfo.InvariantCulture));
        if (type == "bridge") members.TryAdd("isGateway", "true");
        if (config.CniVersion.Length > 0) members["cniVersion"] = Quoted(config.CniVersion);
        members["ipam"] = Ipam(config, env);
        return new DelegateConf(type, Object(members));
    }

    private static string Ipam(FlannelConfig config, SubnetEnv env)
    {
        var members = new SortedDictionary<string, string>(GoGenericJson.KeyOrder);
        var baseRoutes = (JsonElement?)null;
        if (config.Ipam is { } ipam)
        {
            foreach (var (key, value) in GoGenericJson.Members(ipam)) members[key] = GoGenericJson.Marshal(value);
            if (GoGenericJson.Members(ipam).TryGetValue("routes", out var routes)) baseRoutes = routes;
        }
        members.TryAdd("type", Quoted("host-local"));

        var ranges = new List<string>();
        if (env.Subnet is { } sn) ranges.Add($"[{{\"subnet\":{Quoted(sn.ToString())}}}]");
        if (env.Ipv6Subnet is { } sn6) ranges.Add($"[{{\"subnet\":{Quoted(sn6.ToString())}}}]");
        members["ranges"] = ranges.Count == 0 ? "null" : "[" + string.Join(",", ranges) + "]";

        var routeList = new List<string>();
        if (baseRoutes is { } r) routeList.AddRange(DelegateRoutes.Parse(r));
        foreach (var nw in env.Networks.Concat(env.Ipv6Networks)) routeList.Add($"{{\"dst\":{Quoted(nw.ToString())}}}");
        members["routes"] = "[" + string.Join(",", routeList) + "]";
        return Object(members);
    }

    private static string Object(SortedDictionary<string, string> members) =>
        "{" + string.Join(",", members.Select(m => Quoted(m.Key) + ":" + m.Value)) + "}";

    private static string Quoted(string s)
    {
        var sb = new System.Text.StringBuilder();
        GoJsonWriter.AppendQuoted(sb, s);
        return sb.ToString();
    }
}

/// <summary>
/// <c>ipam.routes</c> decoded into Go's []types.Route and encoded again: struct order dst, gw, mtu, advmss, priority,
/// table, scope, the empty ones left out, unknown keys dropped.
/// </summary>
internal static class DelegateRoutes
{
    public static IEnumerable<string> Parse(JsonElement routes)
    {
        if (routes.ValueKind == JsonValueKind.Null) return [];
        if (routes.ValueKind != JsonValueKind.Array)
            throw Failed($"json: cannot unmarshal {Kind(routes)} into Go value of type []types.Route");
        return routes.EnumerateArray().Select(Route).ToList();
    }

    private static string Route(JsonElement route)
    {
        if (route.ValueKind == JsonValueKind.Null) return "{\"dst\":\"<nil>\"}";
        if (route.ValueKind != JsonValueKind.Object)
            throw Failed($"json: cannot unmarshal {Kind(route)} into Go value of type types.route");
        var fields = GoGenericJson.Members(route);
        string? Text(string name) =>
            Find(fields, name) is not { } v || v.ValueKind == JsonValueKind.Null ? null
            : v.ValueKind == JsonValueKind.String ? v.GetString()
            : throw Failed($"json: cannot unmarshal {Kind(v)} into Go value of type string");
        long? Number(string name) =>
            Find(fields, name) is not { } v || v.ValueKind == JsonValueKind.Null ? null
            : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n
            : throw Failed($"json: cannot unmarshal {Kind(v)} into Go struct field route.{name} of type int");

        var dst = Text("dst") is { } d ? IpNet.TryParse(d, out var net) ? net.ToString() : throw Failed($"invalid CIDR address: {d}") : "<nil>";
        var gw = Text("gw") is { Length: > 0 } g ? IpAddr.TryParse(g, out var ip) ? ip.ToString() : throw Failed($"invalid IP address: {g}") : null;
        var w = new GoJsonWriter(indented: false).StartObject().Property("dst", dst);
        if (gw is not null) w.Property("gw", gw);
        foreach (var name in new[] { "mtu", "advmss", "priority" })
            if (Number(name) is { } n and not 0) w.Property(name, n);
        foreach (var name in new[] { "table", "scope" })
            if (Number(name) is { } n) w.Property(name, n);
        return w.EndObject().ToString();
    }

    /// <summary>encoding/json matches struct fields case-insensitively; the last matching key wins.</summary>
    private static JsonElement? Find(SortedDictionary<string, JsonElement> fields, string name)
    {
        JsonElement? found = null;
        foreach (var (key, value) in fields)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) found = value;
        return found;
    }

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.Number => "number",
        JsonValueKind.String => "string",
        _ => "bool",
    };

    private static FormatException Failed(string why) =>
        new($"failed to assemble Delegate IPAM: failed to read IPAM routes: failed to parse ipam.routes: {why}");
}
