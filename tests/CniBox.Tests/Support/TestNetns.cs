using System.Diagnostics;

namespace CniBox.Tests.Support;

/// <summary>A throwaway network namespace <c>cbt-&lt;tag&gt;-&lt;hex&gt;</c>, deleted on Dispose.</summary>
public sealed class TestNetns : IDisposable
{
    public string Name { get; }
    public string Path => $"/var/run/netns/{Name}";

    public TestNetns(string tag)
    {
        RequireRoot();
        Name = $"cbt-{tag}-{Convert.ToHexString(Guid.NewGuid().ToByteArray()[..3]).ToLowerInvariant()}";
        Ip("netns", "add", Name);
    }

    /// <summary>Runs <c>ip -n NAME ...</c> to set up or inspect the namespace (tests only; the product never execs ip).</summary>
    public string IpIn(params string[] args) => Ip(["-n", Name, .. args]);

    public void Dispose()
    {
        try { Ip("netns", "del", Name); } catch (InvalidOperationException) { }
    }

    public static void RequireRoot() =>
        Assume.That(Environment.IsPrivilegedProcess, "needs root to create network namespaces");

    public static string Ip(params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed: {stderr.Trim()}");
        return stdout;
    }
}
