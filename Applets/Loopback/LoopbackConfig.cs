using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Config;
using CniBox.Spec.Json;
using CniBox.Spec.Results;

namespace CniBox.Applets.Loopback;

/// <summary>
/// All loopback reads from its config: the generic keys (type-checked as Go's types.NetConf) and an optional
/// prevResult, which ADD passes on. Only ADD reads it; Go's DEL and CHECK act on <c>lo</c> whatever it says.
/// </summary>
public sealed record LoopbackConfig(CniResult? PrevResult)
{
    /// <summary>For DEL and CHECK, which do not read the config.</summary>
    public static readonly LoopbackConfig Unread = new((CniResult?)null);

    /// <summary>
    /// Go's parseNetConf: a shape error is "failed to parse network config: json: ..." (code 6 here, the spec's
    /// decoding failure; Go's plain error is 999), a prevResult of the wrong version "failed to parse prevResult: ...".
    /// </summary>
    public static LoopbackConfig Parse(byte[] stdin)
    {
        NetConf conf;
        try
        {
            // Not disposed: the prevResult element points into it (see JsonFields).
            conf = NetConf.FromElement(GoJsonInput.Parse(stdin).RootElement);
            if (conf.PrevResult is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) } bad)
                throw new GoJsonException($"json: cannot unmarshal {JsonKind(bad.ValueKind)} into Go struct field NetConf.prevResult of type map[string]interface {{}}");
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, "failed to parse network config: " + JsonErrors.Describe(e));
        }
        try
        {
            return new LoopbackConfig(conf.ParsePrevResult());
        }
        catch (CniException e)
        {
            throw new CniException(e.Code, "failed to parse prevResult: " + e.Msg);
        }
    }

    /// <summary>How encoding/json names a JSON value it cannot put into a map.</summary>
    private static string JsonKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "array",
    };
}
