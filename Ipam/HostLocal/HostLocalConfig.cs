using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Json;
using CniBox.Spec.Results;

namespace CniBox.Ipam.HostLocal;

/// <summary>
/// host-local's view of a request config, as Go's <c>allocator.LoadIPAMConfig</c> builds it: range sets in
/// order runtimeConfig.ipRanges, then the legacy top-level range, then <c>ranges</c>; requested IPs from
/// CNI_ARGS <c>IP=</c>, then <c>args.cni.ips</c>, then <c>runtimeConfig.ips</c>, combined. Every failure has Go's
/// text; it is a plain plugin error (code 999) as in Go, except a JSON type mismatch (code 6, a decoding failure
/// as everywhere else here) and a network name that would escape dataDir (code 7).
/// </summary>
public sealed class HostLocalConfig
{
    public const string DefaultDataDir = "/var/lib/cni/networks";

    public required string Name { get; init; }
    public required string CniVersion { get; init; }
    public required IReadOnlyList<RangeSet> Ranges { get; init; }
    public required IReadOnlyList<ResultRoute> Routes { get; init; }
    public required string DataDir { get; init; }
    public string? ResolvConf { get; init; }
    public required IReadOnlyList<IpAddr> RequestedIps { get; init; }

    public static HostLocalConfig Parse(ReadOnlySpan<byte> stdin, string? cniArgs)
    {
        JsonDocument doc;
        try
        {
            doc = GoJsonInput.Parse(stdin.ToArray());
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.Internal, e.Message);
        }
        using (doc) return Parse(doc.RootElement, cniArgs);
    }

    public static HostLocalConfig Parse(JsonElement root, string? cniArgs)
    {
        try
        {
            return Load(root, cniArgs);
        }
        catch (FormatException e)
        {
            throw new CniException(ErrorCode.Internal, e.Message);
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, JsonErrors.Describe(e));
        }
    }

    /// <summary>Code 7 unless <paramref name="name"/> is a single, ordinary path component.</summary>
    public static void ValidateNetworkName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name.AsSpan().IndexOfAny('/', '\0') >= 0)
            throw new CniException(ErrorCode.InvalidNetworkConfig,
                $"invalid network name {GoText.Quote(name ?? "")}: it must be a single path component inside dataDir");
    }

    // Go's type names, as its json errors print them for the anonymous structs of allocator.Net.
    private const string RuntimeConfigType =
        "struct { IPRanges []allocator.RangeSet \"json:\\\"ipRanges,omitempty\\\"\"; IPs []*ip.IP \"json:\\\"ips,omitempty\\\"\" }";
    private const string ArgsType = "struct { A *allocator.IPAMArgs \"json:\\\"cni\\\"\" }";

    private static HostLocalConfig Load(JsonElement element, string? cniArgs)
    {
        var root = JsonFields.Root(element, "allocator.Net");
        var name = root.String("name") ?? "";
        var version = root.String("cniVersion") ?? "";
        var ipam = root.Object("ipam", "allocator.IPAMConfig");
        var runtime = root.Object("runtimeConfig", RuntimeConfigType, owner: "");

        // Everything is decoded before the checks, as json.Unmarshal runs before LoadIPAMConfig looks at it.
        var sets = new List<List<RawRange>>();
        foreach (var set in runtime.Items("ipRanges", "[]allocator.RangeSet")) sets.Add(RangeObjects(runtime, "ipRanges", set));
        if (ipam.TryGet("subnet", out _)) sets.Add([ParseRange(ipam)]);
        foreach (var set in ipam.Items("ranges", "[]allocator.RangeSet")) sets.Add(RangeObjects(ipam, "ranges", set));
        ipam.String("type");
        var dataDir = ipam.String("dataDir");
        var resolvConf = ipam.String("resolvConf");
        var routes = new List<ResultRoute>();
        foreach (var route in ipam.Items("routes", "[]*types.Route"))
        {
            if (route.ValueKind != JsonValueKind.Null) routes.Add(ParseRoute(ipam, route));
        }
        if (!ipam.Exists) throw new FormatException("IPAM config missing 'ipam' key");
        var requested = ReadRequestedIps(root, runtime, cniArgs);
        if (sets.Count == 0) throw new FormatException("no IP ranges specified");

        var rangeSets = new List<RangeSet>();
        for (var i = 0; i < sets.Count; i++)
        {
            try
            {
                rangeSets.Add(BuildSet(sets[i]));
            }
            catch (FormatException e)
            {
                throw new FormatException($"invalid range set {i}: {e.Message}");
            }
        }
        if ((rangeSets.Count(s => s.IsV4) > 1 || rangeSets.Count(s => !s.IsV4) > 1) && !AtLeast030(version))
            throw new FormatException($"CNI version {version} does not support more than 1 address per family");
        for (var i = 0; i < rangeSets.Count - 1; i++)
        {
            for (var j = i + 1; j < rangeSets.Count; j++)
            {
                if (rangeSets[i].Overlaps(rangeSets[j])) throw new FormatException($"range set {i} overlaps with {j}");
            }
        }

        ValidateNetworkName(name);
        return new HostLocalConfig
        {
            Name = name,
            CniVersion = version,
            Ranges = rangeSets,
            Routes = routes,
            DataDir = string.IsNullOrEmpty(dataDir) ? DefaultDataDir : dataDir,
            ResolvConf = string.IsNullOrEmpty(resolvConf) ? null : resolvConf,
            RequestedIps = requested,
        };
    }

    /// <summary>A range as decoded, before Go's Canonicalize: decoding errors come first, as in Go.</summary>
    private readonly record struct RawRange(IpNet? Subnet, IpAddr? Start, IpAddr? End, IpAddr? Gateway);

    /// <summary>One allocator.RangeSet (a []Range) found under <paramref name="field"/> of <paramref name="owner"/>.</summary>
    private static List<RawRange> RangeObjects(JsonFields owner, string field, JsonElement set)
    {
        if (set.ValueKind == JsonValueKind.Null) return [];
        if (set.ValueKind != JsonValueKind.Array) throw owner.Mismatch(set, field, "allocator.RangeSet");
        var list = new List<RawRange>();
        foreach (var item in set.EnumerateArray()) list.Add(ParseRange(owner.Item(field, item, "allocator.Range")));
        return list;
    }

    /// <summary>Canonicalises range by range, checking the family as it goes, as Go's RangeSet.Canonicalize.</summary>
    private static RangeSet BuildSet(List<RawRange> raws)
    {
        var ranges = new List<IpRange>();
        foreach (var raw in raws)
        {
            if (raw.Subnet is not { } subnet) throw new FormatException("IP <nil> not v4 nor v6");
            var range = IpRange.Create(subnet, raw.Start, raw.End, raw.Gateway);
            if (ranges.Count > 0 && ranges[0].IsV4 != range.IsV4) throw new FormatException("mixed address families");
            ranges.Add(range);
        }
        return new RangeSet(ranges);
    }

    /// <summary>An allocator.Range: a legacy one sits in the IPAM object itself, a listed one in its own.</summary>
    private static RawRange ParseRange(JsonFields range)
    {
        var subnetText = range.String("subnet");
        IpNet? subnet = subnetText is null ? null
            : IpNet.TryParse(subnetText, out var s) ? s : throw new FormatException($"invalid CIDR address: {subnetText}");
        return new RawRange(subnet, range.Ip("rangeStart"), range.Ip("rangeEnd"), range.Ip("gateway"));
    }

    private static List<IpAddr> ReadRequestedIps(JsonFields root, JsonFields runtime, string? cniArgs)
    {
        // JSON decoding fails before CNI_ARGS is looked at, as in Go; the env IP still comes first.
        var fromJson = new List<IpAddr>();
        var cni = root.Object("args", ArgsType, owner: "").Object("cni", "allocator.IPAMArgs");
        fromJson.AddRange(IpList(cni));
        fromJson.AddRange(IpList(runtime));
        var ips = new List<IpAddr>();
        var env = CniArgs.Parse(cniArgs, ["IP"]);
        if (env.TryGetValue("IP", out var text) && text != "")
        {
            if (!TryParseIpOrCidr(text, out var ip))
                throw new FormatException($"ARGS: error parsing value of pair {GoText.Quote("IP=" + text)}: invalid IP address {text})");
            ips.Add(ip);
        }
        ips.AddRange(fromJson);
        return ips;
    }

    /// <summary>A []*ip.IP: "ip" or "ip/prefix" each; "" decodes but is no IP, which Go then refuses.</summary>
    private static List<IpAddr> IpList(JsonFields obj)
    {
        var ips = new List<IpAddr>();
        foreach (var item in obj.Items("ips", "[]*ip.IP"))
        {
            if (item.ValueKind == JsonValueKind.Null) continue;
            if (item.ValueKind != JsonValueKind.String) throw obj.Mismatch(item, "ips", "*ip.IP");
            var text = item.GetString()!;
            if (text == "") throw new FormatException("cannot understand ip: IP <nil> not v4 nor v6");
            ips.Add(TryParseIpOrCidr(text, out var ip) ? ip : throw new FormatException($"invalid IP address {text}"));
        }
        return ips;
    }

    private static bool TryParseIpOrCidr(string text, out IpAddr ip)
    {
        if (!text.Contains('/')) return IpAddr.TryParse(text, out ip);
        var ok = IpNet.TryParse(text, out var net);
        ip = net.Address;
        return ok;
    }

    /// <summary>
    /// A types.Route. It has its own UnmarshalJSON (into types.route), so Go labels every type error inside it
    /// with the outer field: "IPAMConfig.ipam.routes of type net.IP".
    /// </summary>
    private static ResultRoute ParseRoute(JsonFields ipam, JsonElement element)
    {
        var route = ipam.Item("routes", element, "types.route", owner: ipam.Owner);
        string? Text(string field, string goType)
        {
            if (!route.TryGet(field, out var v)) return null;
            return v.ValueKind == JsonValueKind.String ? v.GetString() : throw ipam.Mismatch(v, "routes", goType);
        }
        int? Number(string field)
        {
            if (!route.TryGet(field, out var v)) return null;
            return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : throw ipam.Mismatch(v, "routes", "int");
        }
        var dst = Text("dst", "string");
        var gw = Text("gw", "net.IP");
        return new ResultRoute
        {
            Dst = dst is null ? "<nil>" : IpNet.TryParse(dst, out var d) ? d.ToString() : throw new FormatException($"invalid CIDR address: {dst}"),
            Gw = string.IsNullOrEmpty(gw) ? null : IpAddr.TryParse(gw, out var g) ? g.ToString() : throw new FormatException($"invalid IP address: {gw}"),
            Mtu = Number("mtu") is { } mtu and not 0 ? mtu : null,
            AdvMss = Number("advmss") is { } mss and not 0 ? mss : null,
            Priority = Number("priority") is { } prio and not 0 ? prio : null,
            Table = Number("table"),
            Scope = Number("scope"),
        };
    }

    /// <summary>Go's version.GreaterThanOrEqualTo(v, "0.3.0"), where "" does not parse and so is false.</summary>
    private static bool AtLeast030(string version) =>
        version != "" && Spec.CniVersion.TryParse(version, out var v) && v.CompareTo((0, 3, 0)) >= 0;
}
