using System.Text.Json;
using System.Text.Json.Serialization;

namespace CniBox.Spec.Config;

/// <summary>The part of <c>ipam</c> every plugin reads; the rest belongs to the IPAM plugin, which parses <see cref="Raw"/>.</summary>
public sealed class IpamConf
{
    [JsonPropertyName("type")] public string? Type { get; set; }

    /// <summary>The whole <c>ipam</c> object as written (points into the config's document).</summary>
    [JsonIgnore] public JsonElement Raw { get; set; }
}
