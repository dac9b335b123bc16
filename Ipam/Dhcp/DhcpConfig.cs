using System.Text;
using System.Text.Json;
using CniBox.Ipam.Dhcp.Protocol;
using CniBox.Spec;
using CniBox.Spec.Config;
using CniBox.Spec.Json;

namespace CniBox.Ipam.Dhcp;

/// <summary>
/// The dhcp IPAM keys, as Go's plugins/ipam/dhcp reads them: <c>daemonSocketPath</c>, <c>request</c>
/// (<c>{option, skipDefault}</c>), <c>provide</c> (<c>{option, value | fromArg}</c>, fromArg names a CNI_ARGS key),
/// <c>priority</c> (the metric of the routes the lease gives). Options are names or numbers.
/// </summary>
public sealed record DhcpConfig(string Name, string SocketPath, IReadOnlyList<byte> Requested,
    IReadOnlyList<(byte Code, byte[] Value)> Provided, int Priority)
{
    public const string DefaultSocketPath = "/run/cni/dhcp.sock";

    /// <summary>What the client asks for unless a request entry says skipDefault: mask, routers, DNS, domain, routes, search.</summary>
    public static readonly byte[] DefaultRequested =
    [
        DhcpOptionCode.SubnetMask, DhcpOptionCode.Router, DhcpOptionCode.DomainNameServer, DhcpOptionCode.DomainName,
        DhcpOptionCode.StaticRoutes, DhcpOptionCode.LeaseTime, DhcpOptionCode.RenewalTime,
        DhcpOptionCode.RebindingTime, DhcpOptionCode.DomainSearch, DhcpOptionCode.ClasslessStaticRoutes,
    ];

    public static DhcpConfig Parse(byte[] stdin, string? cniArgs)
    {
        try
        {
            var root = GoJsonInput.Parse(stdin).RootElement; // Go's decoding of invalid UTF-8, as every config
            var conf = NetConf.FromElement(root);
            var ipam = JsonFields.Root(root, "main.NetConf").Object("ipam", "main.IPAMConfig");
            return Read(conf.Name ?? "", ipam, cniArgs);
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, "failed to load netconf: " + JsonErrors.Describe(e));
        }
    }

    private static DhcpConfig Read(string name, JsonFields ipam, string? cniArgs)
    {
        var requested = new List<byte>();
        bool skipDefault = false;
        foreach (var entry in ipam.Objects("request", "[]main.RequestOption"))
        {
            skipDefault |= entry.Bool("skipDefault") ?? false;
            requested.Add(OptionCode(entry.String("option")));
        }
        if (!skipDefault)
        {
            var defaults = new List<byte>();
            foreach (var code in DefaultRequested)
                if (!requested.Contains(code)) defaults.Add(code);
            requested.InsertRange(0, defaults);
        }
        var args = ArgPairs(cniArgs);
        var provided = new List<(byte, byte[])>();
        foreach (var entry in ipam.Objects("provide", "[]main.ProvideOption"))
        {
            var code = OptionCode(entry.String("option"));
            var value = entry.String("value");
            if (entry.String("fromArg") is { Length: > 0 } key)
                value = args.TryGetValue(key, out var v) ? v : null;
            if (!string.IsNullOrEmpty(value)) provided.Add((code, Encoding.UTF8.GetBytes(value)));
        }
        return new DhcpConfig(name, ipam.String("daemonSocketPath") is { Length: > 0 } path ? path : DefaultSocketPath,
            requested, provided, ipam.Int("priority") ?? 0);
    }

    /// <summary>An option by number ("12") or by its dhcp-options(5) name ("host-name"), Go's parseOptionName.</summary>
    public static byte OptionCode(string? option)
    {
        if (string.IsNullOrEmpty(option))
            throw new CniException(ErrorCode.InvalidNetworkConfig, "dhcp: an option entry has no \"option\"");
        if (byte.TryParse(option, out var number) && number is > 0 and < 255) return number;
        if (OptionNames.TryGetValue(option, out var code)) return code;
        throw new CniException(ErrorCode.InvalidNetworkConfig, $"dhcp: unknown DHCP option {GoText.Quote(option)}");
    }

    private static readonly Dictionary<string, byte> OptionNames = new(StringComparer.Ordinal)
    {
        ["subnet-mask"] = 1, ["time-offset"] = 2, ["routers"] = 3, ["domain-name-servers"] = 6, ["host-name"] = 12,
        ["domain-name"] = 15, ["interface-mtu"] = 26, ["broadcast-address"] = 28, ["static-routes"] = 33,
        ["ntp-servers"] = 42, ["dhcp-requested-address"] = 50, ["dhcp-lease-time"] = 51,
        ["dhcp-server-identifier"] = 54, ["dhcp-renewal-time"] = 58, ["dhcp-rebinding-time"] = 59,
        ["vendor-class-identifier"] = 60, ["dhcp-client-identifier"] = 61, ["user-class"] = 77,
        ["fqdn"] = 81, ["domain-search"] = 119, ["classless-static-routes"] = 121,
    };

    /// <summary>CNI_ARGS as K=V pairs for fromArg; malformed pieces are skipped (the runtime's other keys are not ours to judge).</summary>
    private static Dictionary<string, string> ArgPairs(string? cniArgs)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var piece in (cniArgs ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            if (piece.IndexOf('=') is > 0 and var i) pairs[piece[..i]] = piece[(i + 1)..];
        return pairs;
    }
}
