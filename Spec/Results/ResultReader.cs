using System.Text.Json;
using CniBox.Spec.Json;

namespace CniBox.Spec.Results;

/// <summary>Decodes one family's JSON shape and lifts it into the 1.1.0 model (Go's up-converters).</summary>
internal static class ResultReader
{
    /// <summary>Go prints a zero net.IPNet (a missing address or dst) as this.</summary>
    public const string NilNet = "<nil>";

    public static CniResult Read(ReadOnlySpan<byte> json, ResultFamily family, string version)
    {
        var ctx = CniJsonContext.Default;
        return family switch
        {
            ResultFamily.V1 => From100(JsonSerializer.Deserialize(json, ctx.Result100Wire), version),
            ResultFamily.V04 => From040(JsonSerializer.Deserialize(json, ctx.Result040Wire), version),
            _ => From020(JsonSerializer.Deserialize(json, ctx.Result020Wire), version),
        };
    }

    public static CniResult Read(JsonElement json, ResultFamily family, string version)
    {
        var ctx = CniJsonContext.Default;
        return family switch
        {
            ResultFamily.V1 => From100(json.Deserialize(ctx.Result100Wire), version),
            ResultFamily.V04 => From040(json.Deserialize(ctx.Result040Wire), version),
            _ => From020(json.Deserialize(ctx.Result020Wire), version),
        };
    }

    private static CniResult From100(Result100Wire? w, string version) => new()
    {
        CniVersion = version,
        Interfaces = NonNull(w?.Interfaces).Select(i => new ResultInterface
        {
            Name = i.Name, Mac = i.Mac, Mtu = i.Mtu, Sandbox = i.Sandbox, SocketPath = i.SocketPath, PciId = i.PciId,
        }).ToList(),
        Ips = NonNull(w?.Ips).Select(Ip).ToList(),
        Routes = NonNull(w?.Routes).Select(Route).ToList(),
        Dns = w?.Dns?.Copy() ?? new ResultDns(),
    };

    private static CniResult From040(Result040Wire? w, string version) => new()
    {
        CniVersion = version,
        Interfaces = NonNull(w?.Interfaces).Select(i => new ResultInterface { Name = i.Name, Mac = i.Mac, Sandbox = i.Sandbox }).ToList(),
        Ips = NonNull(w?.Ips).Select(Ip).ToList(),
        Routes = NonNull(w?.Routes).Select(Route).ToList(),
        Dns = w?.Dns?.Copy() ?? new ResultDns(),
    };

    private static CniResult From020(Result020Wire? w, string version)
    {
        var result = new CniResult { CniVersion = version, Dns = w?.Dns?.Copy() ?? new ResultDns() };
        foreach (var ip in new[] { w?.Ip4, w?.Ip6 })
        {
            if (ip is null) continue;
            result.Ips.Add(new IpConfig { Address = Cidr(ip.Ip), Gateway = Ip(ip.Gateway) });
            result.Routes.AddRange(NonNull(ip.Routes).Select(Route));
        }
        return result;
    }

    private static IpConfig Ip(IpConfigWire w) => new() { Interface = w.Interface, Address = Cidr(w.Address), Gateway = Ip(w.Gateway) };

    private static IpConfig Ip(IpConfig040Wire w) => new() { Interface = w.Interface, Address = Cidr(w.Address), Gateway = Ip(w.Gateway) };

    private static ResultRoute Route(RouteWire w) => new()
    {
        Dst = Cidr(w.Dst), Gw = Ip(w.Gw), Mtu = w.Mtu, AdvMss = w.AdvMss, Priority = w.Priority, Table = w.Table, Scope = w.Scope,
    };

    private static string Cidr(string? text) =>
        text is null ? NilNet : IpText.CanonicalCidr(text) ?? throw new FormatException($"invalid CIDR address: {text}");

    private static string? Ip(string? text) =>
        string.IsNullOrEmpty(text) ? null : IpText.CanonicalIp(text) ?? throw new FormatException($"invalid IP address: {text}");

    private static IEnumerable<T> NonNull<T>(List<T?>? items) where T : class => items?.OfType<T>() ?? [];
}
