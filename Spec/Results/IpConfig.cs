using System.Text.Json.Serialization;

namespace CniBox.Spec.Results;

/// <summary>One address of a result. Address is CIDR text with host bits ("10.1.0.5/16"); Interface indexes Interfaces.</summary>
public sealed class IpConfig
{
    [JsonPropertyName("interface")] public int? Interface { get; set; }
    [JsonPropertyName("address")] public string Address { get; set; } = "";
    [JsonPropertyName("gateway")] public string? Gateway { get; set; }
}
