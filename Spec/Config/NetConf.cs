using System.Runtime.InteropServices;
using System.Text.Json;
using CniBox.Spec.Json;
using CniBox.Spec.Results;

namespace CniBox.Spec.Config;

/// <summary>
/// The request config a plugin reads from stdin. The original bytes stay in <see cref="Raw"/> so the config
/// can be passed on unchanged (to IPAM, to delegates); unknown keys are kept in <see cref="Extra"/>.
/// </summary>
public sealed class NetConf
{
    public string? CniVersion { get; set; }
    public string? Name { get; set; }
    public string? Type { get; set; }
    public Dictionary<string, bool>? Capabilities { get; set; }
    public IpamConf? Ipam { get; set; }
    public ResultDns? Dns { get; set; }
    public JsonElement? Args { get; set; }
    public JsonElement? PrevResult { get; set; }
    public JsonElement? RuntimeConfig { get; set; }
    public Dictionary<string, JsonElement>? Extra { get; set; }

    public byte[] Raw { get; private set; } = [];

    /// <summary>The whole <c>ipam</c> object as written, for the IPAM plugin's own parsing.</summary>
    public JsonElement? IpamRaw { get; private set; }

    /// <summary>
    /// Decodes stdin as the skel does: anything that is not a config of the right shape is code 6, its message
    /// prefixed with <paramref name="context"/> (Go's loopback says "failed to parse network config").
    /// </summary>
    public static NetConf Parse(ReadOnlySpan<byte> json, string context = "error unmarshall network config")
    {
        var raw = json.ToArray();
        try
        {
            // Not disposed on purpose: Args, PrevResult, IpamRaw, Extra... point into it (see JsonFields).
            var doc = GoJsonInput.Parse(raw);
            var conf = FromElement(doc.RootElement);
            conf.Raw = raw;
            return conf;
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, context + ": " + JsonErrors.Describe(e));
        }
    }

    /// <summary>The skel's name check: code 7 when missing or not <c>^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$</c>.</summary>
    public static void ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
            throw new CniException(ErrorCode.InvalidNetworkConfig, "missing network name");
        if (!Identifier.IsValid(name))
            throw new CniException(ErrorCode.InvalidNetworkConfig, "invalid characters found in network name", name);
    }

    /// <summary>The prevResult in the 1.1.0 model, read in this config's version family; null when absent.</summary>
    public CniResult? ParsePrevResult() =>
        PrevResult is { ValueKind: not JsonValueKind.Null } prev ? CniResult.ParsePrevResult(prev, CniVersion) : null;

    private static readonly string[] KnownKeys =
        ["cniVersion", "name", "type", "capabilities", "ipam", "dns", "args", "prevResult", "runtimeConfig"];

    /// <summary>
    /// Decodes one config object as Go's <c>types.NetConf</c>, without JsonSerializer (see <see cref="JsonFields"/>);
    /// throws <see cref="JsonException"/> on a shape error. JSON null is an empty config. Elements handed out point
    /// into <paramref name="element"/>'s document.
    /// </summary>
    internal static NetConf FromElement(JsonElement element)
    {
        var f = JsonFields.Root(element, "types.NetConf");
        var prevResult = f.Raw("prevResult");
        if (prevResult is { ValueKind: not JsonValueKind.Object } prev)
            throw f.Mismatch(prev, "prevResult", "map[string]interface {}");
        var conf = new NetConf
        {
            CniVersion = f.String("cniVersion"),
            Name = f.String("name"),
            Type = f.String("type"),
            Capabilities = f.BoolMap("capabilities"),
            Args = f.Raw("args"),
            PrevResult = prevResult,
            RuntimeConfig = f.Raw("runtimeConfig"),
            Extra = f.Unknown(KnownKeys),
            Raw = JsonMarshal.GetRawUtf8Value(element).ToArray(),
        };
        var ipam = f.Object("ipam", "types.IPAM");
        if (ipam.Exists)
        {
            conf.Ipam = new IpamConf { Type = ipam.String("type"), Raw = ipam.Element };
            conf.IpamRaw = ipam.Element;
        }
        var dns = f.Object("dns", "types.DNS");
        if (dns.Exists) conf.Dns = ResultDns.Read(dns);
        return conf;
    }
}
