using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace CniBox.Tests.Support.Dhcp;

/// <summary>
/// A dhcp daemon (ours, <c>cnibox dhcp daemon</c>, or Go's <c>/usr/lib/cni/dhcp daemon</c>) run in a test netns with
/// its socket (and our state dir) under a temp dir; stopped by its PID (SIGTERM, then SIGKILL) on Dispose.
/// </summary>
public sealed class DhcpDaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    public string SocketPath { get; }
    public string StateDir { get; }

    public DhcpDaemonProcess(TestNetns node, string dir, bool go = false, IEnumerable<string>? flags = null)
    {
        SocketPath = Path.Combine(dir, go ? "go-dhcp.sock" : "dhcp.sock");
        StateDir = Path.Combine(dir, "state");
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("netns");
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(node.Name);
        if (go) psi.ArgumentList.Add(Binaries.GoPlugin("dhcp"));
        else
        {
            psi.ArgumentList.Add(Binaries.Cnibox);
            psi.ArgumentList.Add("dhcp");
        }
        psi.ArgumentList.Add("daemon");
        psi.ArgumentList.Add("-socketpath");
        psi.ArgumentList.Add(SocketPath);
        if (!go)
        {
            psi.ArgumentList.Add("-statedir");
            psi.ArgumentList.Add(StateDir);
        }
        foreach (var f in flags ?? []) psi.ArgumentList.Add(f);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("CNI") || k.StartsWith("LISTEN_")).ToList())
            psi.Environment.Remove(key);
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        WaitForSocket();
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Log()
    {
        lock (_stderr) return _stderr.ToString();
    }

    private void WaitForSocket()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"dhcp daemon exited {_process.ExitCode}: {Log()}");
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(SocketPath));
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        throw new TimeoutException("dhcp daemon did not listen: " + Log());
    }

    /// <summary>SIGTERM and wait; true when it exited within <paramref name="timeout"/>.</summary>
    public bool Terminate(TimeSpan timeout)
    {
        if (_process.HasExited) return true;
        Tmds.Linux.LibC.kill(_process.Id, Tmds.Linux.LibC.SIGTERM);
        return _process.WaitForExit(timeout);
    }

    public void KillHard()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
    }

    public long RssKiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmRSS:")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return 0;
    }

    public void Dispose()
    {
        try
        {
            if (!Terminate(TimeSpan.FromSeconds(5))) KillHard();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
