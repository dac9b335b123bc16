using System.Text.Json;
using CniBox.Spec.Config;
using CniBox.Spec.Json;

namespace CniBox.Spec.Skeleton;

/// <summary>What the skel reads from every config before any applet sees it: a JSON object, its name and version.</summary>
public sealed record ConfigHeader(string Name, string CniVersion, bool VersionIsString)
{
    public static ConfigHeader Parse(byte[] stdin)
    {
        string name;
        var version = "0.1.0";
        var versionIsString = true;
        try
        {
            using var doc = JsonDocument.Parse(stdin);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CniException(ErrorCode.DecodingFailure,
                    $"error unmarshall network config: expected a JSON object, got {doc.RootElement.ValueKind}");
            // Keys match as in Go (case-folded, the last non-null one wins): {"name":"ok","Name":"a/b"} is "a/b".
            var root = JsonFields.Root(doc.RootElement, "types.NetConf");
            name = root.TryGet("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
            if (root.TryGet("cniVersion", out var v))
            {
                if (v.ValueKind == JsonValueKind.String) version = v.GetString() is { Length: > 0 } s ? s : "0.1.0";
                else versionIsString = false;
            }
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, $"error unmarshall network config: {JsonErrors.Describe(e)}");
        }
        NetConf.ValidateName(name);
        return new ConfigHeader(name, version, versionIsString);
    }
}
