using System.Diagnostics;
using System.Text;

namespace CniBox.Tests.Support;

/// <summary>What a runtime sees after exec'ing a plugin.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs an executable exactly as a CNI runtime does: a clean CNI_* environment and the config on stdin.</summary>
public static class PluginProcess
{
    public static ProcessResult Run(string path, Dictionary<string, string> env, string stdin = "",
        IReadOnlyList<string>? args = null) => Run(path, env, Encoding.UTF8.GetBytes(stdin), args);

    /// <summary>Stdin as raw bytes, for configs that are not valid UTF-8.</summary>
    public static ProcessResult Run(string path, Dictionary<string, string> env, byte[] stdin, IReadOnlyList<string>? args = null)
    {
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args ?? []) psi.ArgumentList.Add(arg);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("CNI_") || k.StartsWith("CNIBOX_")).ToList())
            psi.Environment.Remove(key);
        foreach (var (key, value) in env) psi.Environment[key] = value;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.BaseStream.Write(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The plugin may exit without reading stdin (VERSION, env errors).
        }
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException($"{path} did not exit within 30 s");
        }
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Dictionary<string, string> Env(string command, string containerId = "cbt-container",
        string netns = "", string ifName = "eth0", string path = "/usr/lib/cni") => new()
    {
        ["CNI_COMMAND"] = command,
        ["CNI_CONTAINERID"] = containerId,
        ["CNI_NETNS"] = netns,
        ["CNI_IFNAME"] = ifName,
        ["CNI_PATH"] = path,
    };
}
