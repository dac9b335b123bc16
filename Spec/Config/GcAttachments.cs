using System.Text.Json;
using CniBox.Spec.Json;

namespace CniBox.Spec.Config;

/// <summary>One container attachment: what CNI identifies by (CNI_CONTAINERID, CNI_IFNAME).</summary>
public readonly record struct Attachment(string ContainerId, string IfName);

/// <summary>The GC request's list of attachments that must be kept (spec 1.1 <c>cni.dev/valid-attachments</c>).</summary>
public static class GcAttachments
{
    public const string ValidKey = "cni.dev/valid-attachments";
    public const string AliasKey = "cni.dev/attachments";

    /// <summary>
    /// Go's GCAttachment fields, matched as encoding/json does; the alias when the main key is absent; no list at
    /// all means nothing is valid, as cnitool's GC sends it. A malformed list is code 6.
    /// </summary>
    public static IReadOnlyCollection<Attachment> ReadValid(byte[] stdin)
    {
        try
        {
            var doc = GoJsonInput.Parse(stdin);
            var root = JsonFields.Root(doc.RootElement, "types.GCArgs");
            var key = root.TryGet(ValidKey, out _) ? ValidKey : AliasKey;
            var list = new List<Attachment>();
            foreach (var item in root.Objects(key, "[]types.GCAttachment"))
            {
                if (!item.Exists) continue;
                list.Add(new Attachment(item.String("containerID") ?? "", item.String("ifname") ?? ""));
            }
            return list;
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, $"failed to parse {ValidKey}: {JsonErrors.Describe(e)}");
        }
    }
}
