using System.ComponentModel;
using System.Diagnostics;
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
    private const int TextFileBusy = 26;

    /// <summary>Runs the plugin and returns its stdout; its stderr is copied to <paramref name="stderr"/>.</summary>
    public static byte[] Run(string pluginPath, ExecRequest request, TextWriter stderr)
    {
        using var process = Start(pluginPath, request);
        var stdout = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var errText = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.BaseStream.Write(request.Stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The plugin exited without reading its stdin; its exit status tells the rest.
        }
        process.WaitForExit();
        copyOut.Wait();
        var errorOutput = errText.Result;
        var output = stdout.ToArray();
        if (process.ExitCode != 0)
            throw PluginFailure(output, errorOutput, process.ExitCode);
        // As libcni: on failure the stderr text is already part of the error; pass it on only after a success.
        if (errorOutput.Length > 0) stderr.Write(errorOutput);
        return output;
    }

    private static Process Start(string pluginPath, ExecRequest request)
    {
        var psi = new ProcessStartInfo(pluginPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["CNI_COMMAND"] = request.Command.ToString().ToUpperInvariant();
        psi.Environment["CNI_CONTAINERID"] = request.ContainerId;
        psi.Environment["CNI_NETNS"] = request.Netns;
        psi.Environment["CNI_IFNAME"] = request.IfName;
        psi.Environment["CNI_ARGS"] = request.Args;
        psi.Environment["CNI_PATH"] = string.Join(':', request.Path);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Process.Start(psi) ?? throw new CniException(ErrorCode.Internal, $"failed to start {pluginPath}");
            }
            catch (Win32Exception e) when (e.NativeErrorCode == TextFileBusy && attempt < 5)
            {
                Thread.Sleep(1000);
            }
            catch (Win32Exception e)
            {
                throw new CniException(ErrorCode.Internal, $"failed to exec {pluginPath}: {e.Message}");
            }
        }
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
            using var doc = JsonDocument.Parse(stdout);
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
