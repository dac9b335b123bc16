using System.Text;
using System.Text.Json;
using CniBox.Spec;

namespace CniBox.Ipam.Dhcp.Rpc;

/// <summary>
/// The daemon's answer line: <c>{"result":&lt;CNI 1.1.0 result&gt;}</c> for ADD, <c>{}</c> for DEL and CHECK,
/// or <c>{"error":{"code":N,"msg":"..."}}</c>, which the plugin reports as that CNI error.
/// </summary>
public sealed record DaemonReply(string? ResultJson, int ErrorCode = 0, string? ErrorMessage = null)
{
    public static DaemonReply Ok(string? resultJson = null) => new(resultJson);

    public static DaemonReply Fail(int code, string message) => new(null, code, message);

    public byte[] ToLine()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (ErrorMessage is not null)
            {
                w.WriteStartObject("error");
                w.WriteNumber("code", ErrorCode);
                w.WriteString("msg", ErrorMessage);
                w.WriteEndObject();
            }
            else if (ResultJson is not null)
            {
                w.WritePropertyName("result");
                w.WriteRawValue(ResultJson);
            }
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    public static DaemonReply Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line.ToArray());
            var root = doc.RootElement;
            if (root.TryGetProperty("error", out var error))
                return Fail(error.GetProperty("code").GetInt32(), error.GetProperty("msg").GetString() ?? "");
            return Ok(root.TryGetProperty("result", out var result) ? result.GetRawText() : null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new CniException(Spec.ErrorCode.Internal,
                "dhcp: the daemon's answer is not understood: " + Encoding.UTF8.GetString(line));
        }
    }
}
