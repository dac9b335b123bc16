using System.Text.Json;

namespace CniBox.Tests.Support;

public static class CniAssert
{
    /// <summary>Exit 1 and a CNI error object on stdout with this code; returns the msg.</summary>
    public static string Error(ProcessResult result, int code)
    {
        Assert.That(result.ExitCode, Is.EqualTo(1), $"stdout: {result.Stdout}\nstderr: {result.Stderr}");
        using var doc = JsonDocument.Parse(result.Stdout);
        Assert.That(doc.RootElement.GetProperty("code").GetInt32(), Is.EqualTo(code), result.Stdout);
        Assert.That(result.Stderr, Does.Not.Contain("   at "), "no stack trace at the default log level");
        return doc.RootElement.GetProperty("msg").GetString()!;
    }

    public static JsonElement Success(ProcessResult result)
    {
        Assert.That(result.ExitCode, Is.EqualTo(0), $"stdout: {result.Stdout}\nstderr: {result.Stderr}");
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    public static void SilentSuccess(ProcessResult result)
    {
        Assert.That(result.ExitCode, Is.EqualTo(0), $"stdout: {result.Stdout}\nstderr: {result.Stderr}");
        Assert.That(result.Stdout, Is.Empty);
    }
}
