using System.Text.Json.Serialization;

namespace CniBox.Spec.Results;

/// <summary>A route of a result. Zero Mtu/AdvMss/Priority mean unset; Table and Scope print whenever set.</summary>
public sealed class ResultRoute
{
    [JsonPropertyName("dst")] public string Dst { get; set; } = "";
    [JsonPropertyName("gw")] public string? Gw { get; set; }
    [JsonPropertyName("mtu")] public int? Mtu { get; set; }
    [JsonPropertyName("advmss")] public int? AdvMss { get; set; }
    [JsonPropertyName("priority")] public int? Priority { get; set; }
    [JsonPropertyName("table")] public int? Table { get; set; }
    [JsonPropertyName("scope")] public int? Scope { get; set; }
}
