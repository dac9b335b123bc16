using System.Text.Json;
using System.Text.Json.Serialization;
using CniBox.Spec.Json;

namespace CniBox.Spec;

/// <summary>The VERSION verb: what a plugin prints and how a runtime reads a plugin's reply.</summary>
public static class VersionInfo
{
    /// <summary>The plugin's reply, without the newline the caller adds.</summary>
    public static string Json { get; } = BuildJson();

    /// <summary>
    /// Runtime side (<c>version.PluginDecoder</c>): cniVersion must be non-empty; a missing supportedVersions
    /// is accepted only for "0.2.0" and means ["0.1.0","0.2.0"]. Errors are code 6.
    /// </summary>
    public static (string CniVersion, IReadOnlyList<string> SupportedVersions) Decode(ReadOnlySpan<byte> json)
    {
        VersionInfoWire? info;
        try
        {
            info = JsonSerializer.Deserialize(json, CniJsonContext.Default.VersionInfoWire);
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, "decoding version info: " + e.Message);
        }
        if (string.IsNullOrEmpty(info?.CniVersion))
            throw new CniException(ErrorCode.DecodingFailure, "decoding version info: missing field cniVersion");
        if (info.SupportedVersions is { Count: > 0 } supported) return (info.CniVersion, supported);
        if (info.CniVersion == "0.2.0") return (info.CniVersion, ["0.1.0", "0.2.0"]);
        throw new CniException(ErrorCode.DecodingFailure, "decoding version info: missing field supportedVersions");
    }

    private static string BuildJson()
    {
        var w = new GoJsonWriter(indented: false).StartObject().Property("cniVersion", CniVersion.Current);
        return w.StringArray("supportedVersions", CniVersion.Supported).EndObject().ToString();
    }
}

/// <summary>The VERSION reply on the wire; public only for the source-generated context.</summary>
public sealed class VersionInfoWire
{
    [JsonPropertyName("cniVersion")] public string? CniVersion { get; set; }
    [JsonPropertyName("supportedVersions")] public List<string>? SupportedVersions { get; set; }
}
