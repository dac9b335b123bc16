using System.Diagnostics;
using System.Text;

namespace CniBox.Tests.Support;

/// <summary>
/// Debian's firewalld as the firewall of a test node: it runs inside the node netns (its nftables backend writes
/// <c>inet firewalld</c> there only) and in a mount namespace of its own, where tmpfs covers /run and /var/log and a
/// private copy of /etc/firewalld is bound over it, so neither the host's firewall, nor its bus (under /run), nor its
/// firewalld config or state can be reached. It owns <c>org.fedoraproject.FirewallD1</c> on a
/// <see cref="PrivateSystemBus"/>; ready once <c>firewall-cmd --state</c> says running. Killed by PID on Dispose.
/// </summary>
public sealed class PrivateFirewalld : IDisposable
{
    private readonly Process _firewalld;
    private readonly StringBuilder _output = new();

    public PrivateFirewalld(TestNetns node, PrivateSystemBus bus)
    {
        RequireTools();
        Node = node;
        Bus = bus;
        var config = Path.Combine(bus.Dir, "etc-firewalld");
        CopyDirectory("/etc/firewalld", config);
        var script = $"mount -t tmpfs cbt-fwd /run && mount -t tmpfs cbt-fwd /var/log && mount --bind {config} /etc/firewalld"
            + " && exec firewalld --nofork --nopid --system-config /etc/firewalld --log-target console";
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", node.Name, "unshare", "--mount", "--propagation", "private", "sh", "-c", script })
            psi.ArgumentList.Add(arg);
        psi.Environment["DBUS_SYSTEM_BUS_ADDRESS"] = bus.Address;
        _firewalld = Process.Start(psi)!;
        _firewalld.OutputDataReceived += (_, e) => Append(e.Data);
        _firewalld.ErrorDataReceived += (_, e) => Append(e.Data);
        _firewalld.BeginOutputReadLine();
        _firewalld.BeginErrorReadLine();
        try
        {
            WaitRunning(TimeSpan.FromSeconds(60));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public TestNetns Node { get; }
    public PrivateSystemBus Bus { get; }

    /// <summary>firewalld's PID: ip netns exec, unshare and sh each exec the next.</summary>
    public int Pid => _firewalld.Id;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static void RequireTools()
    {
        PrivateSystemBus.RequireTools();
        TestNetns.RequireRoot();
        Assume.That(File.Exists("/usr/sbin/firewalld") && File.Exists("/usr/bin/firewall-cmd"),
            "firewalld is not installed (tests/deps.sh installs it)");
    }

    /// <summary>firewall-cmd against this firewalld (in the node netns, on the private bus).</summary>
    public string Cmd(params string[] args) => Command(args, allowFailure: false).Stdout.Trim();

    public (int ExitCode, string Stdout) Command(string[] args, bool allowFailure)
    {
        var env = new Dictionary<string, string>(Bus.Env);
        var result = PluginProcess.Run("ip", env, "", ["netns", "exec", Node.Name, "firewall-cmd", .. args]);
        if (result.ExitCode != 0 && !allowFailure)
            throw new InvalidOperationException($"firewall-cmd {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}{result.Stdout}");
        return (result.ExitCode, result.Stdout);
    }

    /// <summary>The zone's runtime sources, as <c>firewall-cmd --zone=Z --list-sources</c> prints them.</summary>
    public IReadOnlyList<string> Sources(string zone = "trusted") =>
        Cmd($"--zone={zone}", "--list-sources").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public void Dispose()
    {
        try
        {
            if (!_firewalld.HasExited)
            {
                // SIGTERM lets firewalld remove its tables (CleanupOnExit); the netns goes anyway.
                Process.Start("kill", ["-TERM", _firewalld.Id.ToString()])!.WaitForExit();
                if (!_firewalld.WaitForExit(10_000)) _firewalld.Kill();
            }
            _firewalld.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _firewalld.Dispose();
    }

    private void WaitRunning(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (_firewalld.HasExited)
                throw new InvalidOperationException($"firewalld exited with {_firewalld.ExitCode}:\n{Output}");
            if (Command(["--state"], allowFailure: true) is (0, _)) return;
            Thread.Sleep(200);
        }
        throw new TimeoutException($"firewalld was not running after {limit.TotalSeconds} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
