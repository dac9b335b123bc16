using System.Text.Json;
using CniBox.Spec.Json;

namespace CniBox.Spec;

/// <summary>The VERSION verb: what a plugin prints and how a runtime reads a plugin's reply.</summary>
public static class VersionInfo
{
    /// <summary>The plugin's reply, without the newline the caller adds.</summary>
    public static string Json { get; } = For(CniVersion.Supported);

    /// <summary>
    /// Runtime side (<c>version.PluginDecoder</c>): cniVersion must be non-empty; a missing supportedVersions
    /// is accepted only for "0.2.0" and means ["0.1.0","0.2.0"]. Errors are code 6.
    /// </summary>
    public static (string CniVersion, IReadOnlyList<string> SupportedVersions) Decode(ReadOnlySpan<byte> json)
    {
        string? cniVersion;
        List<string>? supported;
        try
        {
            // Not disposed: nothing outlives this call but strings. Go: json.Unmarshal into version.pluginInfo.
            var info = JsonFields.Root(GoJsonInput.Parse(json.ToArray()).RootElement, "version.pluginInfo");
            cniVersion = info.String("cniVersion");
            supported = info.StringList("supportedVersions");
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, "decoding version info: " + JsonErrors.Describe(e));
        }
        if (string.IsNullOrEmpty(cniVersion))
            throw new CniException(ErrorCode.DecodingFailure, "decoding version info: missing field cniVersion");
        if (supported is { Count: > 0 }) return (cniVersion, supported);
        if (cniVersion == "0.2.0") return (cniVersion, ["0.1.0", "0.2.0"]);
        throw new CniException(ErrorCode.DecodingFailure, "decoding version info: missing field supportedVersions");
    }

    /// <summary>The reply of a plugin that speaks <paramref name="supported"/> (Go's PluginInfo of those versions).</summary>
    public static string For(IReadOnlyList<string> supported)
    {
        var w = new GoJsonWriter(indented: false).StartObject().Property("cniVersion", CniVersion.Current);
        return w.StringArray("supportedVersions", supported).EndObject().ToString();
    }
}
