using System.Text.Json;
using CniBox.Spec.Addressing;
using CniBox.Spec.Json;

namespace CniBox.Spec.Results;

/// <summary>
/// Decodes one family's JSON shape, as Go's types decode it, and lifts it into the 1.1.0 model (Go's
/// up-converters). Reads a parsed document through <see cref="JsonFields"/>, never JsonSerializer: this is the
/// plugin hot path (prevResult, IPAM results). Types with their own UnmarshalJSON in Go (IPConfig, Route) label
/// their errors with the outer struct, as Go does.
/// </summary>
internal static class ResultReader
{
    /// <summary>Go prints a zero net.IPNet (a missing address or dst) as this.</summary>
    public const string NilNet = "<nil>";

    public static CniResult Read(JsonElement json, ResultFamily family, string version) => family switch
    {
        ResultFamily.V1 => From100(JsonFields.Root(json, "types100.Result"), version),
        ResultFamily.V04 => From040(JsonFields.Root(json, "types040.Result"), version),
        _ => From020(JsonFields.Root(json, "types020.Result"), version),
    };

    private static CniResult From100(JsonFields w, string version)
    {
        var result = new CniResult { CniVersion = version, Dns = Dns(w) };
        foreach (var i in w.Objects("interfaces", "[]*types100.Interface"))
        {
            if (!i.Exists) continue;
            result.Interfaces.Add(new ResultInterface
            {
                Name = i.String("name"), Mac = i.String("mac"), Mtu = i.Int("mtu"), Sandbox = i.String("sandbox"),
                SocketPath = i.String("socketPath"), PciId = i.String("pciID"),
            });
        }
        foreach (var ip in w.Objects("ips", "[]*types100.IPConfig", w.Owner))
        {
            if (ip.Exists) result.Ips.Add(Ip(ip));
        }
        AddRoutes(result, w, "[]*types.Route");
        return result;
    }

    private static CniResult From040(JsonFields w, string version)
    {
        var result = new CniResult { CniVersion = version, Dns = Dns(w) };
        foreach (var i in w.Objects("interfaces", "[]*types040.Interface"))
        {
            if (i.Exists) result.Interfaces.Add(new ResultInterface { Name = i.String("name"), Mac = i.String("mac"), Sandbox = i.String("sandbox") });
        }
        foreach (var ip in w.Objects("ips", "[]*types040.IPConfig", w.Owner))
        {
            if (!ip.Exists) continue;
            _ = ip.String("version"); // read for its type check only; 1.1.0 derives it from the address
            result.Ips.Add(Ip(ip));
        }
        AddRoutes(result, w, "[]*types.Route");
        return result;
    }

    private static CniResult From020(JsonFields w, string version)
    {
        var result = new CniResult { CniVersion = version, Dns = Dns(w) };
        foreach (var name in (ReadOnlySpan<string>)["ip4", "ip6"])
        {
            var ip = w.Object(name, "types020.IPConfig", w.Owner);
            if (!ip.Exists) continue;
            result.Ips.Add(new IpConfig { Address = Cidr(ip.String("ip")), Gateway = Ip(ip.String("gateway")) });
            AddRoutes(result, ip, "[]types.Route");
        }
        return result;
    }

    private static IpConfig Ip(JsonFields ip) =>
        new() { Interface = ip.Int("interface"), Address = Cidr(ip.String("address")), Gateway = Ip(ip.String("gateway")) };

    private static void AddRoutes(CniResult result, JsonFields owner, string sliceType)
    {
        foreach (var r in owner.Objects("routes", sliceType, owner.Owner))
        {
            if (!r.Exists) continue;
            result.Routes.Add(new ResultRoute
            {
                Dst = Cidr(r.String("dst")), Gw = Ip(r.String("gw")), Mtu = r.Int("mtu"), AdvMss = r.Int("advmss"),
                Priority = r.Int("priority"), Table = r.Int("table"), Scope = r.Int("scope"),
            });
        }
    }

    private static ResultDns Dns(JsonFields w) => w.Object("dns", "types.DNS") is { Exists: true } dns ? ResultDns.Read(dns) : new ResultDns();

    /// <summary>Go's net.ParseCIDR then IPNet.String(): host bits kept ("10.1.0.5/16"), IPv4-mapped printed as IPv4.</summary>
    private static string Cidr(string? text) =>
        text is null ? NilNet : IpNet.TryParse(text, out var net) ? net.ToString() : throw new FormatException($"invalid CIDR address: {text}");

    private static string? Ip(string? text) =>
        string.IsNullOrEmpty(text) ? null : IpAddr.TryParse(text, out var ip) ? ip.ToString() : throw new FormatException($"invalid IP address: {text}");
}
