using System.Diagnostics;

namespace CniBox.Tests.Support.Dhcp;

/// <summary>
/// dnsmasq as a DHCP server only (<c>--port=0</c>), inside a test netns, with no config file, its own lease file,
/// pid file and log in a temp dir; killed by its PID on Dispose.
/// </summary>
public sealed class Dnsmasq : IDisposable
{
    private readonly Process _process;

    public string Dir { get; }
    public string LeaseFile => Path.Combine(Dir, "leases");
    public string LogFile => Path.Combine(Dir, "dnsmasq.log");

    /// <param name="ranges">dhcp-range values, e.g. "10.199.230.50,10.199.230.150,255.255.255.0,2m".</param>
    /// <param name="extra">more dnsmasq arguments (dhcp-option=..., interface=...).</param>
    public Dnsmasq(TestNetns ns, IEnumerable<string> ranges, IEnumerable<string> extra)
    {
        Dir = Directory.CreateTempSubdirectory("cbt-dh-dnsmasq-").FullName;
        File.WriteAllText(LeaseFile, "");
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "netns", "exec", ns.Name, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                     "--port=0", "--user=root", "--group=root", "--bind-interfaces", "--except-interface=lo",
                     "--dhcp-authoritative", "--log-dhcp", $"--log-facility={LogFile}", $"--dhcp-leasefile={LeaseFile}",
                     $"--pid-file={Path.Combine(Dir, "pid")}" })
            psi.ArgumentList.Add(a);
        foreach (var r in ranges) psi.ArgumentList.Add("--dhcp-range=" + r);
        foreach (var e in extra) psi.ArgumentList.Add("--" + e);
        _process = Process.Start(psi)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(Path.Combine(Dir, "pid")) || new FileInfo(Path.Combine(Dir, "pid")).Length == 0)
        {
            if (_process.HasExited) throw new InvalidOperationException($"dnsmasq exited with {_process.ExitCode}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("dnsmasq did not start");
            Thread.Sleep(50);
        }
    }

    public int Pid => _process.Id;

    /// <summary>The lease file's lines: expiry, MAC, IP, hostname, client ID.</summary>
    public IReadOnlyList<string[]> Leases() =>
        File.ReadAllLines(LeaseFile).Where(l => l.Length > 0).Select(l => l.Split(' ')).ToList();

    public string[]? LeaseOf(string ip) => Leases().FirstOrDefault(l => l[2] == ip);

    public string Log() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
