using System.Text.Json;

namespace CniBox.Spec.Config;

/// <summary>The part of <c>ipam</c> every plugin reads; the rest belongs to the IPAM plugin, which parses <see cref="Raw"/>.</summary>
public sealed class IpamConf
{
    public string? Type { get; set; }

    /// <summary>The whole <c>ipam</c> object as written (points into the config's document).</summary>
    public JsonElement Raw { get; set; }
}
