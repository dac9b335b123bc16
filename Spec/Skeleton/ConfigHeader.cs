using System.Text.Json;
using CniBox.Spec.Config;
using CniBox.Spec.Json;

namespace CniBox.Spec.Skeleton;

/// <summary>
/// What the skel reads from every config before any applet sees it: a JSON object, its name and version.
/// <see cref="VersionError"/> holds a cniVersion of the wrong JSON type; the skel reports it after the name check
/// and the verb (see <see cref="VersionGate"/>).
/// </summary>
public sealed record ConfigHeader(string Name, string CniVersion, string? VersionError)
{
    // Go's skel decodes the name into this anonymous struct, and its errors print the type like this.
    private const string NameStruct = "struct { Name string \"json:\\\"name\\\"\" }";

    public static ConfigHeader Parse(byte[] stdin)
    {
        string name;
        var version = "0.1.0";
        string? versionError = null;
        try
        {
            using var doc = GoJsonInput.Parse(stdin);
            // Keys match as in Go (case-folded, the last non-null one wins): {"name":"ok","Name":"a/b"} is "a/b".
            // JSON null is an empty struct, as for Go; any other non-object and a non-string name are code 6.
            var root = JsonFields.Root(doc.RootElement, NameStruct, owner: "");
            name = root.String("name") ?? "";
            try
            {
                if (root.String("cniVersion") is { Length: > 0 } v) version = v;
            }
            catch (GoJsonException e)
            {
                versionError = "decoding version from network config: " + e.Message;
            }
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, $"error unmarshall network config: {JsonErrors.Describe(e)}");
        }
        NetConf.ValidateName(name);
        return new ConfigHeader(name, version, versionError);
    }
}
