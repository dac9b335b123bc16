using System.Text.Json;
using CniBox.Spec.Addressing;

namespace CniBox.Spec.Json;

/// <summary>Go's <c>net.IP</c> fields read through <see cref="JsonFields"/>.</summary>
public static class JsonFieldsIp
{
    /// <summary>A net.IP field: absent, null or "" is unset; bad text is Go's ParseError ("invalid IP address: x").</summary>
    public static IpAddr? Ip(this JsonFields fields, string name)
    {
        if (!fields.TryGet(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.String) throw fields.Mismatch(v, name, "net.IP");
        var text = v.GetString();
        if (string.IsNullOrEmpty(text)) return null;
        return IpAddr.TryParse(text, out var ip) ? ip : throw new FormatException($"invalid IP address: {text}");
    }
}
