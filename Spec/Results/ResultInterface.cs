using System.Text.Json.Serialization;

namespace CniBox.Spec.Results;

/// <summary>An interface in a 1.1.0 result; 0.3.x/0.4.0 keep only name, mac and sandbox.</summary>
public sealed class ResultInterface
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("mac")] public string? Mac { get; set; }
    [JsonPropertyName("mtu")] public int? Mtu { get; set; }
    [JsonPropertyName("sandbox")] public string? Sandbox { get; set; }
    [JsonPropertyName("socketPath")] public string? SocketPath { get; set; }
    [JsonPropertyName("pciID")] public string? PciId { get; set; }
}
