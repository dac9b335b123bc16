using System.Text.Json;

namespace CniBox.Spec.Json;

/// <summary>
/// Readable text for a JSON failure. Type errors already read like Go's; syntax errors from the reader would
/// otherwise show bare resource keys (the binary is built with UseSystemResourceKeys).
/// </summary>
public static class JsonErrors
{
    public static string Describe(Exception e) => e switch
    {
        GoJsonException go => go.Message,
        JsonException { LineNumber: { } line, BytePositionInLine: { } column } =>
            $"invalid JSON at line {line + 1}, column {column + 1}",
        JsonException => "invalid JSON",
        _ => e.Message,
    };
}
