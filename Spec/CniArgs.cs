using CniBox.Spec.Json;

namespace CniBox.Spec;

/// <summary>CNI_ARGS (<c>K=V;K2=V2</c>), deprecated but still read by several plugins.</summary>
public static class CniArgs
{
    public const string IgnoreUnknown = "IgnoreUnknown";

    /// <summary>
    /// Plugin side, as Go's <c>types.LoadArgs</c>: keys are exact Go field names; unknown keys fail unless
    /// IgnoreUnknown is 1/true. Returns the known pairs (IgnoreUnknown included); the last duplicate wins.
    /// Errors are plain plugin errors (code 999) with Go's texts.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string? cniArgs, IReadOnlyCollection<string> knownKeys)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(cniArgs)) return result;
        var unknown = new List<string>();
        var ignoreUnknown = false;
        foreach (var pair in cniArgs.Split(';'))
        {
            var kv = pair.Split('=');
            if (kv.Length != 2) throw Fail($"ARGS: invalid pair {GoText.Quote(pair)}");
            var (key, value) = (kv[0], kv[1]);
            if (key == IgnoreUnknown)
            {
                ignoreUnknown = value.ToLowerInvariant() switch
                {
                    "1" or "true" => true,
                    "0" or "false" => false,
                    var s => throw Fail($"ARGS: error parsing value of pair {GoText.Quote(pair)}: boolean unmarshal error: invalid input {s})"),
                };
            }
            else if (!knownKeys.Contains(key))
            {
                unknown.Add(pair);
                continue;
            }
            result[key] = value;
        }
        if (unknown.Count > 0 && !ignoreUnknown) throw Fail($"ARGS: unknown args {GoText.QuoteList(unknown)}");
        return result;
    }

    /// <summary>
    /// Runtime side (cnitool): every <c>;</c> piece must be a non-empty <c>K=V</c>, else
    /// <c>invalid CNI_ARGS pair "B"</c>. Order and duplicates are kept.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseStrict(string? cniArgs)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(cniArgs)) return pairs;
        foreach (var piece in cniArgs.Split(';'))
        {
            var kv = piece.Split('=');
            if (kv.Length != 2 || kv[0] == "" || kv[1] == "") throw Fail($"invalid CNI_ARGS pair {GoText.Quote(piece)}");
            pairs.Add(new(kv[0], kv[1]));
        }
        return pairs;
    }

    private static CniException Fail(string message) => new(ErrorCode.Internal, message);
}
