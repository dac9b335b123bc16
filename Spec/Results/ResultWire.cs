using System.Text.Json.Serialization;

namespace CniBox.Spec.Results;

// The JSON shapes of each result family as Go's types decode them; unknown keys are ignored.
// Public only because the public source-generated context must expose them; use CniResult instead.

public sealed class Result100Wire
{
    [JsonPropertyName("cniVersion")] public string? CniVersion { get; set; }
    [JsonPropertyName("interfaces")] public List<ResultInterface?>? Interfaces { get; set; }
    [JsonPropertyName("ips")] public List<IpConfigWire?>? Ips { get; set; }
    [JsonPropertyName("routes")] public List<RouteWire?>? Routes { get; set; }
    [JsonPropertyName("dns")] public ResultDns? Dns { get; set; }
}

public sealed class Result040Wire
{
    [JsonPropertyName("cniVersion")] public string? CniVersion { get; set; }
    [JsonPropertyName("interfaces")] public List<Interface040Wire?>? Interfaces { get; set; }
    [JsonPropertyName("ips")] public List<IpConfig040Wire?>? Ips { get; set; }
    [JsonPropertyName("routes")] public List<RouteWire?>? Routes { get; set; }
    [JsonPropertyName("dns")] public ResultDns? Dns { get; set; }
}

public sealed class Result020Wire
{
    [JsonPropertyName("cniVersion")] public string? CniVersion { get; set; }
    [JsonPropertyName("ip4")] public IpConfig020Wire? Ip4 { get; set; }
    [JsonPropertyName("ip6")] public IpConfig020Wire? Ip6 { get; set; }
    [JsonPropertyName("dns")] public ResultDns? Dns { get; set; }
}

public sealed class Interface040Wire
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("mac")] public string? Mac { get; set; }
    [JsonPropertyName("sandbox")] public string? Sandbox { get; set; }
}

public sealed class IpConfigWire
{
    [JsonPropertyName("interface")] public int? Interface { get; set; }
    [JsonPropertyName("address")] public string? Address { get; set; }
    [JsonPropertyName("gateway")] public string? Gateway { get; set; }
}

public sealed class IpConfig040Wire
{
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("interface")] public int? Interface { get; set; }
    [JsonPropertyName("address")] public string? Address { get; set; }
    [JsonPropertyName("gateway")] public string? Gateway { get; set; }
}

public sealed class IpConfig020Wire
{
    [JsonPropertyName("ip")] public string? Ip { get; set; }
    [JsonPropertyName("gateway")] public string? Gateway { get; set; }
    [JsonPropertyName("routes")] public List<RouteWire?>? Routes { get; set; }
}

public sealed class RouteWire
{
    [JsonPropertyName("dst")] public string? Dst { get; set; }
    [JsonPropertyName("gw")] public string? Gw { get; set; }
    [JsonPropertyName("mtu")] public int? Mtu { get; set; }
    [JsonPropertyName("advmss")] public int? AdvMss { get; set; }
    [JsonPropertyName("priority")] public int? Priority { get; set; }
    [JsonPropertyName("table")] public int? Table { get; set; }
    [JsonPropertyName("scope")] public int? Scope { get; set; }
}

public sealed class VersionWire
{
    [JsonPropertyName("cniVersion")] public string? CniVersion { get; set; }
}
