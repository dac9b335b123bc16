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
        var members = new GoMap();
        var type = "bridge";
        if (config.Delegate is { } given)
        {
            JsonElement? typeValue = null;
            foreach (var p in given.EnumerateObject())
            {
                members.Set(p.Name, GoGenericJson.Marshal(p.Value));
                if (p.Name == "type") typeValue = p.Value;
            }
            if (typeValue is { } t)
                type = t.ValueKind == JsonValueKind.String
                    ? t.GetString()!
                    : throw new FormatException("'delegate' dictionary, if present, must have (string) 'type' field");
            if (members.Has("name"))
                throw new FormatException("'delegate' dictionary must not have 'name' field, it'll be set by flannel");
            if (members.Has("ipam"))
                throw new FormatException("'delegate' dictionary must not have 'ipam' field, it'll be set by flannel");
        }
        if (config.RuntimeConfig is { } runtime) members.Set("runtimeConfig", GoGenericJson.Marshal(runtime));

        members.Set("name", Quoted(config.Config.NetworkName));
        members.TryAdd("type", Quoted(type));
        members.TryAdd("ipMasq", env.IpMasq ? "false" : "true");
        members.TryAdd("mtu", env.Mtu.ToString(CultureInfo.InvariantCulture));
        if (type == "bridge") members.TryAdd("isGateway", "true");
        if (config.CniVersion.Length > 0) members.Set("cniVersion", Quoted(config.CniVersion));
        members.Set("ipam", Ipam(config, env));
        return new DelegateConf(type, members.ToJson());
    }

    private static string Ipam(FlannelConfig config, SubnetEnv env)
    {
        var members = new GoMap();
        var baseRoutes = (JsonElement?)null;
        if (config.Ipam is { } ipam)
        {
            foreach (var p in ipam.EnumerateObject())
            {
                members.Set(p.Name, GoGenericJson.Marshal(p.Value));
                if (p.Name == "routes") baseRoutes = p.Value;
            }
        }
        members.TryAdd("type", Quoted("host-local"));

        var ranges = new List<string>();
        if (env.Subnet is { } sn) ranges.Add($"[{{\"subnet\":{Quoted(sn.ToString())}}}]");
        if (env.Ipv6Subnet is { } sn6) ranges.Add($"[{{\"subnet\":{Quoted(sn6.ToString())}}}]");
        members.Set("ranges", ranges.Count == 0 ? "null" : "[" + string.Join(",", ranges) + "]");

        var routeList = new List<string>();
        if (baseRoutes is { } r) routeList.AddRange(DelegateRoutes.Parse(r));
        foreach (var nw in env.Networks) routeList.Add($"{{\"dst\":{Quoted(nw.ToString())}}}");
        foreach (var nw in env.Ipv6Networks) routeList.Add($"{{\"dst\":{Quoted(nw.ToString())}}}");
        members.Set("routes", "[" + string.Join(",", routeList) + "]");
        return members.ToJson();
    }

    internal static string Quoted(string s)
    {
        var sb = new System.Text.StringBuilder();
        GoJsonWriter.AppendQuoted(sb, s);
        return sb.ToString();
    }

    /// <summary>
    /// A Go map[string]interface{} on its way to json.Marshal: a key set again keeps its last value, the text has
    /// the keys in Go's byte order. Two string lists and an insertion sort: a handful of keys, and no code the
    /// process would otherwise not page in (the meta layer's cost is mostly that).
    /// </summary>
    private sealed class GoMap
    {
        private readonly List<string> _keys = [];
        private readonly List<string> _values = [];

        public bool Has(string key) => _keys.IndexOf(key) >= 0;

        public void Set(string key, string json)
        {
            var i = _keys.IndexOf(key);
            if (i >= 0) _values[i] = json;
            else { _keys.Add(key); _values.Add(json); }
        }

        public void TryAdd(string key, string json)
        {
            if (!Has(key)) Set(key, json);
        }

        public string ToJson()
        {
            var order = new int[_keys.Count];
            for (var i = 0; i < order.Length; i++)
            {
                var j = i;
                for (; j > 0 && GoGenericJson.KeyOrder.Compare(_keys[order[j - 1]], _keys[i]) > 0; j--) order[j] = order[j - 1];
                order[j] = i;
            }
            var sb = new System.Text.StringBuilder("{");
            foreach (var i in order)
            {
                if (sb.Length > 1) sb.Append(',');
                GoJsonWriter.AppendQuoted(sb, _keys[i]);
                sb.Append(':').Append(_values[i]);
            }
            return sb.Append('}').ToString();
        }
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
