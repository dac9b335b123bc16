using System.Text.Json;
using CniBox.Applets.Common.GoRegexLite;
using CniBox.Spec;
using CniBox.Spec.Json;

namespace CniBox.Applets.Tuning;

/// <summary>tuning's sysctl keys: how Go 1.9.1 decodes, checks and resolves them to files under /proc/sys/net.</summary>
public static class TuningSysctls
{
    private const string ProcSys = "/proc/sys";
    private const string NetPrefix = "/proc/sys/net/";

    /// <summary>
    /// Go's validateSysctlConflictingKeys: stdin decoded as <c>sysctlCheck</c>, whose map keys refuse to be seen
    /// twice (across every key folding to <c>sysctl</c>). A repeated key wins over a wrong value type, which Go
    /// only notes and reports at the end.
    /// </summary>
    public static void RejectDuplicateKeys(byte[] stdin)
    {
        JsonElement root;
        try
        {
            root = GoJsonInput.Parse(stdin).RootElement;
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, JsonErrors.Describe(e));
        }
        if (root.ValueKind != JsonValueKind.Object) return;
        var check = JsonFields.Root(root, "main.sysctlCheck");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        GoJsonException? typeError = null;
        foreach (var member in root.EnumerateObject())
        {
            if (!JsonFields.KeyMatches(member, "sysctl") || member.Value.ValueKind == JsonValueKind.Null) continue;
            if (member.Value.ValueKind != JsonValueKind.Object)
            {
                typeError ??= check.Mismatch(member.Value, "sysctl", "map[main.sysctlKey]string");
                continue;
            }
            foreach (var entry in member.Value.EnumerateObject())
            {
                if (!seen.Add(entry.Name))
                    throw new CniException(ErrorCode.InvalidNetworkConfig, "duplicated sysctl keys are not allowed");
                if (entry.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    typeError ??= check.Mismatch(entry.Value, "sysctl", "string");
            }
        }
        if (typeError is not null) throw new CniException(ErrorCode.DecodingFailure, typeError.Message);
    }

    /// <summary>
    /// A Go <c>map[string]string</c> field: every key folding to <paramref name="name"/> decodes into the same
    /// map in document order (later entries replace earlier ones), JSON null resets it to nil, a null value is "".
    /// </summary>
    public static OrderedDictionary<string, string>? ReadMap(JsonFields owner, string name)
    {
        if (!owner.Exists) return null;
        OrderedDictionary<string, string>? map = null;
        foreach (var member in owner.Element.EnumerateObject())
        {
            if (!JsonFields.KeyMatches(member, name)) continue;
            var value = member.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                map = null;
                continue;
            }
            if (value.ValueKind != JsonValueKind.Object) throw owner.Mismatch(value, name, "map[string]string");
            map ??= new OrderedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in value.EnumerateObject())
            {
                map[entry.Name] = entry.Value.ValueKind switch
                {
                    JsonValueKind.String => entry.Value.GetString()!,
                    JsonValueKind.Null => "",
                    _ => throw owner.Mismatch(entry.Value, name, "string"),
                };
            }
        }
        return map;
    }

    /// <summary>
    /// Go's validateSysctlConf: when <paramref name="allowlistPath"/> exists, each key as written must match one
    /// of its non-blank lines, taken as unanchored regular expressions.
    /// </summary>
    public static void CheckAllowlist(IReadOnlyList<KeyValuePair<string, string>> sysctls, string allowlistPath)
    {
        if (!Path.Exists(allowlistPath)) return;
        string text;
        try
        {
            text = File.ReadAllText(allowlistPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(ErrorCode.Internal, $"open {allowlistPath}: {e.Message}");
        }
        var lines = text.Split('\n');
        var patterns = new List<string>();
        var allowed = new List<GoRegex>();
        for (var i = 0; i < lines.Length; i++)
        {
            var pattern = lines[i].Trim();
            if (pattern.Length == 0) continue;
            patterns.Add(pattern);
            try
            {
                allowed.Add(GoRegex.Compile(pattern));
            }
            catch (GoRegexException e) when (e.Unsupported)
            {
                throw new CniException(ErrorCode.Internal, $"{allowlistPath} line {i + 1}: {e.Message}");
            }
            catch (GoRegexException e)
            {
                throw new CniException(ErrorCode.Internal, $"error parsing regexp: {e.Message}");
            }
        }
        foreach (var (key, _) in sysctls)
        {
            if (!allowed.Exists(r => r.IsMatch(key)))
                throw new CniException(ErrorCode.InvalidNetworkConfig,
                    $"Sysctl {key} is not allowed. Only the following sysctls are allowed: {GoText.List(patterns)}");
        }
    }

    /// <summary>
    /// Go 1.9.1's getSysctlFilename: dots become slashes, then the first <c>IFNAME</c> becomes
    /// <paramref name="ifName"/> (so an ifname's own dots stay dots: <c>eth0.5</c> is one directory), the path is
    /// cleaned and must stay under /proc/sys/net/. Returns the path relative to /proc/sys.
    /// </summary>
    public static string FileOf(string key, string ifName)
    {
        var slashed = key.Replace('.', '/');
        var at = slashed.IndexOf("IFNAME", StringComparison.Ordinal);
        if (at >= 0) slashed = string.Concat(slashed.AsSpan(0, at), ifName, slashed.AsSpan(at + "IFNAME".Length));
        var file = CleanPath(ProcSys + "/" + slashed);
        if (!file.StartsWith(NetPrefix, StringComparison.Ordinal))
            throw new CniException(ErrorCode.InvalidNetworkConfig, $"invalid net sysctl key: {GoText.Quote(slashed)}");
        return file[(ProcSys.Length + 1)..];
    }

    /// <summary>The absolute file of a path <see cref="FileOf"/> returned, as Go's messages name it.</summary>
    public static string Absolute(string relative) => ProcSys + "/" + relative;

    /// <summary>True when <paramref name="file"/> (absolute) is one <see cref="FileOf"/> could have produced.</summary>
    public static bool IsNetFile(string file) => file.StartsWith(NetPrefix, StringComparison.Ordinal) && CleanPath(file) == file;

    /// <summary>Go's path.Clean for an absolute path: no empty, "." or ".." elements, no trailing slash.</summary>
    private static string CleanPath(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }
}
