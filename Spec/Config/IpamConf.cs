using System.Text.Json;
using System.Text.Json.Serialization;

namespace CniBox.Spec.Config;

/// <summary>The part of <c>ipam</c> every plugin reads; the rest belongs to the IPAM plugin.</summary>
public sealed class IpamConf
{
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}
