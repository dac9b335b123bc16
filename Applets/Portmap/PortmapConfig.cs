using System.Text.Json;
using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Json;

namespace CniBox.Applets.Portmap;

/// <summary>
/// portmap's keys as upstream 1.9.1's parseConfig reads them (plugins/meta/portmap/main.go): <c>backend</c>,
/// <c>snat</c> (default true), <c>masqAll</c>, <c>markMasqBit</c> (default 13, 0-31), <c>externalSetMarkChain</c>,
/// <c>conditionsV4</c>/<c>conditionsV6</c> and <c>runtimeConfig.portMappings</c>, keys matched case-insensitively
/// as Go does (<c>HostPort</c> from containerd fills <c>hostPort</c>). Go's checks are plain errors (code 999);
/// the checks Go lacks (ports above 65535, an unknown protocol, an unparsable hostIP) are code 7.
/// </summary>
public sealed record PortmapConfig : IChainedConfig
{
    public const string Nftables = "nftables";
    public const string Iptables = "iptables";
    public const int DefaultMarkBit = 13;

    public required PluginConfig Config { get; init; }
    public required string Backend { get; init; }
    public bool Snat { get; init; } = true;
    public bool MasqAll { get; init; }
    public int MarkMasqBit { get; init; } = DefaultMarkBit;
    public string? ExternalSetMarkChain { get; init; }
    public IReadOnlyList<string>? ConditionsV4 { get; init; }
    public IReadOnlyList<string>? ConditionsV6 { get; init; }
    public IReadOnlyList<PortMapping> Mappings { get; init; } = [];

    /// <summary>Decodes stdin; <paramref name="prefix"/> is Go's wrapping of parseConfig's error in that verb
    /// ("failed to parse config: " in ADD and DEL, nothing in CHECK).</summary>
    public static PortmapConfig Parse(byte[] stdin, string prefix = "")
    {
        try
        {
            return PluginConfig.Parse(stdin, Read);
        }
        catch (CniException e) when (e.Code == ErrorCode.DecodingFailure && e.Msg.StartsWith("failed to load netconf: ", StringComparison.Ordinal))
        {
            throw new CniException(ErrorCode.Internal,
                prefix + "failed to parse network configuration: " + e.Msg["failed to load netconf: ".Length..]);
        }
        catch (CniException e) when (e.Code == ErrorCode.Internal && prefix.Length > 0)
        {
            throw new CniException(e.Code, prefix + e.Msg, e.Details);
        }
    }

    private static PortmapConfig Read(PluginConfig c)
    {
        var root = JsonFields.Root(c.Root.Element, "main.PortMapConf");
        var markBit = root.Int("markMasqBit");
        var externalChain = root.String("externalSetMarkChain");
        if (markBit is not null && externalChain is not null)
            throw Plain("Cannot specify externalSetMarkChain and markMasqBit");
        if (markBit is < 0 or > 31)
            throw Plain("MasqMarkBit must be between 0 and 31");
        var v4 = root.StringList("conditionsV4");
        var v6 = root.StringList("conditionsV6");
        var backend = ChooseBackend(root.String("backend"), externalChain, v4, v6);
        return new PortmapConfig
        {
            Config = c,
            Backend = backend,
            Snat = root.Bool("snat") ?? true,
            MasqAll = root.Bool("masqAll") ?? false,
            MarkMasqBit = markBit ?? DefaultMarkBit,
            ExternalSetMarkChain = externalChain,
            ConditionsV4 = v4,
            ConditionsV6 = v6,
            Mappings = ReadMappings(root),
        };
    }

    /// <summary>
    /// validateBackend, with nftables as our default: iptables only when asked for, or when an iptables-only option
    /// (externalSetMarkChain, conditions starting with '-') is present and no backend is named.
    /// </summary>
    private static string ChooseBackend(string? backend, string? externalChain, List<string>? v4, List<string>? v6)
    {
        var options = new Dictionary<string, List<string>> { [Iptables] = [], [Nftables] = [] };
        if (externalChain is not null) options[Iptables].Add("externalSetMarkChain");
        if (BackendOf(v4) is { } b4) options[b4].Add("conditionsV4");
        if (BackendOf(v6) is { } b6) options[b6].Add("conditionsV6");
        backend ??= options[Iptables].Count > 0 ? Iptables : Nftables;
        if (backend is not (Iptables or Nftables))
            throw Plain($"unrecognized backend {GoText.Quote(backend)}");
        var wrong = backend == Iptables ? Nftables : Iptables;
        if (options[wrong].Count > 0)
            throw Plain($"{backend} backend was requested but configuration contains {wrong}-specific options [{string.Join(' ', options[wrong])}]");
        return backend;
    }

    /// <summary>detectBackendOfConditions: iptables when the first token starts with '-', none when empty.</summary>
    private static string? BackendOf(List<string>? conditions) =>
        conditions is not { Count: > 0 } || conditions[0].Length == 0 ? null : conditions[0][0] == '-' ? Iptables : Nftables;

    private static List<PortMapping> ReadMappings(JsonFields root)
    {
        var runtime = root.Object("runtimeConfig", "struct { PortMaps []main.PortMapEntry \"json:\\\"portMappings,omitempty\\\"\" }", "PortMapConf");
        var list = new List<PortMapping>();
        foreach (var entry in runtime.Objects("portMappings", "[]main.PortMapEntry"))
        {
            var containerPort = entry.Int("containerPort") ?? 0;
            var hostPort = entry.Int("hostPort") ?? 0;
            var protocol = entry.String("protocol") ?? "";
            var hostIp = entry.String("hostIP") ?? "";
            if (containerPort <= 0) throw Plain($"Invalid container port number: {containerPort}");
            if (hostPort <= 0) throw Plain($"Invalid host port number: {hostPort}");
            if (containerPort > ushort.MaxValue) throw Invalid($"Invalid container port number: {containerPort} (above 65535)");
            if (hostPort > ushort.MaxValue) throw Invalid($"Invalid host port number: {hostPort} (above 65535)");
            var proto = protocol.ToLowerInvariant();
            if (proto is not ("tcp" or "udp" or "sctp"))
                throw Invalid($"Invalid protocol {GoText.Quote(protocol)} for host port {hostPort}: must be tcp, udp or sctp");
            IpAddr? ip = null;
            if (hostIp.Length > 0)
                ip = IpAddr.TryParse(hostIp, out var parsed) ? parsed : throw Invalid($"Invalid hostIP {GoText.Quote(hostIp)} for host port {hostPort}");
            list.Add(new PortMapping((ushort)hostPort, (ushort)containerPort, proto, ip));
        }
        return list;
    }

    private static CniException Plain(string message) => new(ErrorCode.Internal, message);

    private static CniException Invalid(string message) => new(ErrorCode.InvalidNetworkConfig, message);
}
