using System.Diagnostics;

namespace CniBox.Tests.Integration.Netlink;

/// <summary>A throwaway <c>cbt-nl-XXXXXX</c> namespace made with the ip tool; product code never runs ip.</summary>
internal sealed class TestNetns : IDisposable
{
    public TestNetns()
    {
        Name = $"cbt-nl-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6]}";
        Ip($"netns add {Name}");
    }

    public string Name { get; }

    public string Path => $"/var/run/netns/{Name}";

    /// <summary>Runs <c>ip -n NAME args</c> inside the namespace.</summary>
    public string IpIn(string args) => Ip($"-n {Name} {args}");

    public void Dispose() => Ip($"netns del {Name}");

    public static string Ip(string args)
    {
        var psi = new ProcessStartInfo("ip", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"ip {args}: exit {p.ExitCode}: {error}");
        return output;
    }
}
