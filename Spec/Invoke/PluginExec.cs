using CniBox.Spec.Json;
using System.Text.Json;
using CniBox.Spec.Skeleton;

namespace CniBox.Spec.Invoke;

/// <summary>What a runtime or a delegating plugin passes to an exec'd plugin.</summary>
public sealed record ExecRequest(
    CniCommand Command, string ContainerId, string Netns, string IfName, string Args, IReadOnlyList<string> Path, byte[] Stdin)
{
    public static ExecRequest From(PluginCall call, CniCommand command) =>
        new(command, call.ContainerId, call.Netns, call.IfName, call.Args, call.Path, call.StdinData);
}

/// <summary>
/// libcni's pkg/invoke: run a plugin binary with the caller's environment plus the six CNI_* variables,
/// the config on stdin; a non-zero exit turns the plugin's error object back into a <see cref="CniException"/>.
/// </summary>
public static class PluginExec
{
    /// <summary>Runs the plugin and returns its stdout; its stderr is copied to <paramref name="stderr"/>.</summary>
    public static byte[] Run(string pluginPath, ExecRequest request, TextWriter stderr)
    {
        var env = new Dictionary<string, string>
        {
            ["CNI_COMMAND"] = PluginEnvironment.Name(request.Command),
            ["CNI_CONTAINERID"] = request.ContainerId,
            ["CNI_NETNS"] = request.Netns,
            ["CNI_IFNAME"] = request.IfName,
            ["CNI_ARGS"] = request.Args,
            ["CNI_PATH"] = string.Join(':', request.Path),
        };
        var child = ChildProcess.Run(pluginPath, env, request.Stdin);
        var errorOutput = System.Text.Encoding.UTF8.GetString(child.Stderr);
        if (child.ExitCode != 0)
            throw PluginFailure(child.Stdout, errorOutput, child.ExitCode);
        // As libcni: on failure the stderr text is already part of the error; pass it on only after a success.
        if (errorOutput.Length > 0) stderr.Write(errorOutput);
        return child.Stdout;
    }

    /// <summary>The messages libcni gives for each way a plugin can fail.</summary>
    private static CniException PluginFailure(byte[] stdout, string stderr, int exitCode)
    {
        if (stdout.Length == 0)
        {
            return stderr.Length == 0
                ? new CniException(ErrorCode.Internal, $"netplugin failed with no error message: exit status {exitCode}")
                : new CniException(ErrorCode.Internal, $"netplugin failed: \"{stderr}\": exit status {exitCode}");
        }
        try
        {
            using var doc = GoJsonInput.Parse(stdout);
            var root = doc.RootElement;
            var code = root.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : ErrorCode.Internal;
            var msg = root.TryGetProperty("msg", out var m) ? m.GetString() ?? "" : "";
            var details = root.TryGetProperty("details", out var d) ? d.GetString() : null;
            return new CniException(code, msg, details);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new CniException(ErrorCode.Internal,
                $"netplugin failed but error parsing its diagnostic message \"{System.Text.Encoding.UTF8.GetString(stdout)}\": {e.Message}");
        }
    }
}
