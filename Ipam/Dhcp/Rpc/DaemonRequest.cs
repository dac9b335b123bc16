using System.Text;
using System.Text.Json;

namespace CniBox.Ipam.Dhcp.Rpc;

/// <summary>
/// One call from the plugin to the daemon: a single line of JSON on a fresh unix-socket connection,
/// <c>{"v":1,"command":"ADD|DEL|CHECK","containerId":...,"netns":...,"ifName":...,"args":...,"config":"&lt;stdin&gt;"}</c>.
/// The daemon answers one line (<see cref="DaemonReply"/>) and closes. The whole network config travels as a
/// string, so the daemon reads the same keys the plugin validated.
/// </summary>
public sealed record DaemonRequest(string Command, string ContainerId, string Netns, string IfName, string Args, string Config)
{
    public const int Version = 1;

    public byte[] ToLine()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("v", Version);
            w.WriteString("command", Command);
            w.WriteString("containerId", ContainerId);
            w.WriteString("netns", Netns);
            w.WriteString("ifName", IfName);
            w.WriteString("args", Args);
            w.WriteString("config", Config);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>The request in one line; a <see cref="FormatException"/> says what is wrong with it.</summary>
    public static DaemonRequest Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("v", out var v) || v.GetInt32() != Version)
                throw new FormatException($"not a version {Version} dhcp daemon request");
            return new DaemonRequest(Text(root, "command"), Text(root, "containerId"), Text(root, "netns"),
                Text(root, "ifName"), Text(root, "args"), Text(root, "config"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException("malformed dhcp daemon request: " + e.Message);
        }
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    public byte[] ConfigBytes => Encoding.UTF8.GetBytes(Config);
}
