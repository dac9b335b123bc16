using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Json;
using CniBox.Spec.Results;

namespace CniBox.Ipam.HostLocal;

/// <summary>
/// host-local's view of a request config, as Go's <c>allocator.LoadIPAMConfig</c> builds it: range sets in
/// order runtimeConfig.ipRanges, then the legacy top-level range, then <c>ranges</c>; requested IPs from
/// CNI_ARGS <c>IP=</c>, then <c>args.cni.ips</c>, then <c>runtimeConfig.ips</c>, combined. Every failure is a
/// plain plugin error (code 999) with Go's text, except a network name that would escape dataDir (code 7).
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
            doc = JsonDocument.Parse(stdin.ToArray());
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
    }

    /// <summary>Code 7 unless <paramref name="name"/> is a single, ordinary path component.</summary>
    public static void ValidateNetworkName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name.AsSpan().IndexOfAny('/', '\0') >= 0)
            throw new CniException(ErrorCode.InvalidNetworkConfig,
                $"invalid network name {GoText.Quote(name ?? "")}: it must be a single path component inside dataDir");
    }

    private static HostLocalConfig Load(JsonElement root, string? cniArgs)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"json: cannot unmarshal {root.ValueKind.ToString().ToLowerInvariant()} into Go value of type allocator.Net");
        var name = GoJson.String(root, "name", "Net") ?? "";
        var version = GoJson.String(root, "cniVersion", "Net") ?? "";
        var ipam = GoJson.Object(root, "ipam", "Net", "allocator.IPAMConfig")
            ?? throw new FormatException("IPAM config missing 'ipam' key");
        var runtime = GoJson.Object(root, "runtimeConfig", "Net", "struct");

        var sets = new List<List<RawRange>>();
        if (runtime is { } rc && GoJson.Array(rc, "ipRanges", "Net.runtimeConfig", "[]allocator.RangeSet") is { } ipRanges)
            sets.AddRange(ipRanges.Select(s => RangeObjects(s, "runtimeConfig.ipRanges")));
        if (GoJson.Member(ipam, "subnet") is not null) sets.Add([ParseRange(ipam)]);
        if (GoJson.Array(ipam, "ranges", "IPAMConfig", "[]allocator.RangeSet") is { } ranges)
            sets.AddRange(ranges.Select(s => RangeObjects(s, "ipam.ranges")));
        var dataDir = GoJson.String(ipam, "dataDir", "IPAMConfig");
        var resolvConf = GoJson.String(ipam, "resolvConf", "IPAMConfig");
        var routes = (GoJson.Array(ipam, "routes", "IPAMConfig", "[]*types.Route") ?? [])
            .Where(r => r.ValueKind != JsonValueKind.Null).Select(ParseRoute).ToList();
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

    private static List<RawRange> RangeObjects(JsonElement set, string where) =>
        set.ValueKind switch
        {
            JsonValueKind.Array => set.EnumerateArray().Select(ParseRange).ToList(),
            JsonValueKind.Null => [],
            _ => throw GoJson.TypeError(set, "IPAMConfig", where, "allocator.RangeSet"),
        };

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

    private static RawRange ParseRange(JsonElement obj)
    {
        if (obj.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            throw GoJson.TypeError(obj, "IPAMConfig", "ranges", "allocator.Range");
        var subnetText = GoJson.String(obj, "subnet", "Range");
        IpNet? subnet = subnetText is null ? null
            : IpNet.TryParse(subnetText, out var s) ? s : throw new FormatException($"invalid CIDR address: {subnetText}");
        return new RawRange(subnet, GoJson.Ip(obj, "rangeStart", "Range"), GoJson.Ip(obj, "rangeEnd", "Range"),
            GoJson.Ip(obj, "gateway", "Range"));
    }

    private static List<IpAddr> ReadRequestedIps(JsonElement root, JsonElement? runtime, string? cniArgs)
    {
        // JSON decoding fails before CNI_ARGS is looked at, as in Go; the env IP still comes first.
        var fromJson = new List<IpAddr>();
        if (GoJson.Object(root, "args", "Net", "struct") is { } args
            && GoJson.Object(args, "cni", "Net.args", "allocator.IPAMArgs") is { } cni)
            fromJson.AddRange(IpList(cni, "args.cni"));
        if (runtime is { } rc) fromJson.AddRange(IpList(rc, "runtimeConfig"));
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
    private static IEnumerable<IpAddr> IpList(JsonElement obj, string where)
    {
        var items = GoJson.Array(obj, "ips", where, "[]*ip.IP") ?? [];
        foreach (var item in items)
        {
            if (item.ValueKind == JsonValueKind.Null) continue;
            if (item.ValueKind != JsonValueKind.String) throw GoJson.TypeError(item, where, "ips", "ip.IP");
            var text = item.GetString()!;
            if (text == "") throw new FormatException("cannot understand ip: IP <nil> not v4 nor v6");
            yield return TryParseIpOrCidr(text, out var ip) ? ip : throw new FormatException($"invalid IP address {text}");
        }
    }

    private static bool TryParseIpOrCidr(string text, out IpAddr ip)
    {
        if (!text.Contains('/')) return IpAddr.TryParse(text, out ip);
        var ok = IpNet.TryParse(text, out var net);
        ip = net.Address;
        return ok;
    }

    private static ResultRoute ParseRoute(JsonElement obj)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw GoJson.TypeError(obj, "IPAMConfig", "routes", "types.Route");
        var dst = GoJson.String(obj, "dst", "route");
        var gw = GoJson.String(obj, "gw", "route");
        return new ResultRoute
        {
            Dst = dst is null ? "<nil>" : IpNet.TryParse(dst, out var d) ? d.ToString() : throw new FormatException($"invalid CIDR address: {dst}"),
            Gw = string.IsNullOrEmpty(gw) ? null : IpAddr.TryParse(gw, out var g) ? g.ToString() : throw new FormatException($"invalid IP address: {gw}"),
            Mtu = GoJson.Int(obj, "mtu", "route") is { } mtu and not 0 ? mtu : null,
            AdvMss = GoJson.Int(obj, "advmss", "route") is { } mss and not 0 ? mss : null,
            Priority = GoJson.Int(obj, "priority", "route") is { } prio and not 0 ? prio : null,
            Table = GoJson.Int(obj, "table", "route"),
            Scope = GoJson.Int(obj, "scope", "route"),
        };
    }

    /// <summary>Go's version.GreaterThanOrEqualTo(v, "0.3.0"), where "" does not parse and so is false.</summary>
    private static bool AtLeast030(string version) =>
        version != "" && Spec.CniVersion.TryParse(version, out var v) && v.CompareTo((0, 3, 0)) >= 0;
}
