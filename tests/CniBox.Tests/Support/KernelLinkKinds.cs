using System.Text.Json;

namespace CniBox.Tests.Support;

/// <summary>
/// This test kernel lacks some link kinds (ipvlan, vlan, dummy): an applet's ADD then fails with exactly
/// "kernel has no X support (CONFIG_... / modprobe ...)". Tests that need the kind skip on that error, and only that.
/// </summary>
public static class KernelLinkKinds
{
    public const string MissingSupportPrefix = "kernel has no ";

    /// <summary>The CNI error's msg when <paramref name="result"/> is the missing-kernel-support error, else null.</summary>
    public static string? MissingSupport(ProcessResult result)
    {
        if (result.ExitCode == 0 || !result.Stdout.TrimStart().StartsWith('{')) return null;
        try
        {
            using var doc = JsonDocument.Parse(result.Stdout);
            return doc.RootElement.TryGetProperty("msg", out var msg) && msg.GetString() is { } text
                && text.StartsWith(MissingSupportPrefix, StringComparison.Ordinal) && text.EndsWith(')') ? text : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Marks the test ignored, naming what the kernel lacks, when <paramref name="result"/> is that error.</summary>
    public static ProcessResult IgnoreIfMissing(ProcessResult result)
    {
        if (MissingSupport(result) is { } msg)
            Assert.Ignore($"skipped on this kernel: {msg}");
        return result;
    }
}
