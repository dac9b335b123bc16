using System.Text.Json;
using CniBox.Spec.Json;

namespace CniBox.Spec.Results;

/// <summary>
/// A plugin result in the 1.1.0 model. Results of every version parse into it, and it prints in any
/// version exactly as Go's pkg/types does (see cni-spec.md §3).
/// </summary>
public sealed class CniResult
{
    public string CniVersion { get; set; } = Spec.CniVersion.Current;
    public List<ResultInterface> Interfaces { get; set; } = [];
    public List<IpConfig> Ips { get; set; } = [];
    public List<ResultRoute> Routes { get; set; } = [];
    public ResultDns Dns { get; set; } = new();

    /// <summary>
    /// Runtime side (libcni): a result of any version. Without cniVersion it is read as
    /// <paramref name="defaultVersion"/> (0.1.0 when null). Errors are code 6.
    /// </summary>
    public static CniResult Parse(ReadOnlySpan<byte> json, string? defaultVersion = null)
    {
        JsonElement root;
        string? declared;
        try
        {
            // Not disposed on purpose (see JsonFields). Go: create.DecodeVersion into an anonymous struct.
            root = GoJsonInput.Parse(json.ToArray()).RootElement;
            declared = JsonFields.Root(root, DecodeVersionType, owner: "").String("cniVersion");
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, "decoding version from network config: " + JsonErrors.Describe(e));
        }
        var version = !string.IsNullOrEmpty(declared) ? declared
            : !string.IsNullOrEmpty(defaultVersion) ? defaultVersion : "0.1.0";
        var family = ResultFamilies.Of(version)
            ?? throw new CniException(ErrorCode.DecodingFailure, $"unsupported CNI result version {GoText.Quote(version)}");
        try
        {
            return ResultReader.Read(root, family, version);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new CniException(ErrorCode.DecodingFailure, JsonErrors.Describe(e));
        }
    }

    /// <summary>How Go prints the anonymous struct libcni decodes a result's version into.</summary>
    private const string DecodeVersionType = "struct { CNIVersion string \"json:\\\"cniVersion\\\"\" }";

    /// <summary>
    /// Plugin side (<c>version.ParsePrevResult</c>): prevResult is read in the config's version family and
    /// takes the config's version when it has none. Errors are plain plugin errors (code 999).
    /// </summary>
    public static CniResult ParsePrevResult(JsonElement prevResult, string? configVersion)
    {
        configVersion ??= "";
        try
        {
            if (prevResult.ValueKind != JsonValueKind.Object)
                throw new FormatException($"json: cannot unmarshal {GoText.TypeName(prevResult.ValueKind)} into Go value of type map[string]interface {{}}");
            var version = EffectiveVersion(prevResult, configVersion);
            var family = ResultFamilies.Of(configVersion)
                ?? throw new FormatException($"unsupported CNI result version {GoText.Quote(configVersion)}");
            var supported = ResultFamilies.Versions(family);
            if (!supported.Contains(version))
                throw new FormatException($"result type supports {GoText.List(supported)} but unmarshalled CNIVersion is {GoText.Quote(version)}");
            return ResultReader.Read(prevResult, family, version);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new CniException(ErrorCode.Internal, "could not parse prevResult: " + JsonErrors.Describe(e));
        }
    }

    /// <summary>
    /// The result in <paramref name="targetVersion"/> ("" means 0.1.0) as the Go plugins print it:
    /// 4-space indent (or compact), no trailing newline. Impossible conversions throw code 999.
    /// </summary>
    public string ToJson(string targetVersion, bool indented = true) => ResultWriter.Write(this, targetVersion, indented);

    /// <summary>
    /// Go injects the config's version under the key "CNIVersion" when that exact key is missing or empty,
    /// then decodes the re-marshalled map (sorted keys, so a later "cniVersion" wins).
    /// </summary>
    private static string EffectiveVersion(JsonElement obj, string configVersion)
    {
        var keys = new SortedDictionary<string, JsonElement?>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Name.Equals("cniVersion", StringComparison.OrdinalIgnoreCase)) keys[p.Name] = p.Value;
        }
        if (!keys.TryGetValue("CNIVersion", out var exact) || exact is { ValueKind: JsonValueKind.String } e && e.GetString() == "")
            keys["CNIVersion"] = null;
        JsonElement? last = null;
        foreach (var (_, value) in keys) last = value;
        if (last is not { } winner) return configVersion;
        return winner.ValueKind switch
        {
            JsonValueKind.String => winner.GetString()!,
            JsonValueKind.Null => "",
            _ => throw new FormatException($"json: cannot unmarshal {GoText.TypeName(winner.ValueKind)} into Go struct field Result.cniVersion of type string"),
        };
    }
}
