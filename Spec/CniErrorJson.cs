using CniBox.Spec.Json;

namespace CniBox.Spec;

/// <summary>The error object a plugin prints on stdout before exiting 1.</summary>
public static class CniErrorJson
{
    /// <summary>
    /// <c>{cniVersion?, code, msg, details?}</c> with a 4-space indent and no trailing newline. The Go skel
    /// passes no cniVersion, which gives exactly its output.
    /// </summary>
    public static string Format(CniException e, string? cniVersion = null)
    {
        var w = new GoJsonWriter(indented: true).StartObject();
        if (!string.IsNullOrEmpty(cniVersion)) w.Property("cniVersion", cniVersion);
        w.Property("code", e.Code).Property("msg", e.Msg);
        if (!string.IsNullOrEmpty(e.Details)) w.Property("details", e.Details);
        return w.EndObject().ToString();
    }
}
