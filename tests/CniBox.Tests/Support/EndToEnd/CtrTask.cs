using System.Diagnostics;
using System.Text;

namespace CniBox.Tests.Support.EndToEnd;

/// <summary>
/// One foreground <c>ctr run</c> of <see cref="BusyboxRootfs"/> against a <see cref="PrivateContainerd"/>, in
/// namespace <c>default</c>, as a user types it. ctr 1.6.20 with <c>--cni</c> sends ADD before it starts the task
/// and DEL (CNI_NETNS empty) only from this foreground process, after the task has exited; a detached run
/// (<c>-d</c>) never sends DEL, and <c>ctr task kill</c> / <c>task rm</c> send nothing.
/// </summary>
public sealed class CtrTask : IDisposable
{
    public const string Namespace = "default";
    private readonly PrivateContainerd _containerd;
    private readonly Process _ctr;
    private readonly StringBuilder _output = new();
    private bool _removed;

    /// <summary>Starts <c>ctr run FLAGS --env PATH=.. --rootfs DIR ID COMMAND</c> and waits until the task runs.</summary>
    public CtrTask(PrivateContainerd containerd, string id, IEnumerable<string> flags, params string[] command)
    {
        _containerd = containerd;
        Id = id;
        // The FIFOs and runc's state under the daemon's Dir, not /run/containerd; --rootfs is a bool flag: last
        // among the flags, the directory is the first positional.
        _ctr = containerd.Node.Start("ctr", ["-a", containerd.Socket, "-n", Namespace, "run", .. flags,
            "--fifo-dir", Path.Combine(containerd.Dir, "fifo"), "--runc-root", Path.Combine(containerd.Dir, "runc-ctr"),
            "--env", "PATH=/bin:/sbin:/usr/bin:/usr/sbin", "--rootfs", BusyboxRootfs.Dir, id, .. command]);
        _ctr.OutputDataReceived += (_, e) => Append(e.Data);
        _ctr.ErrorDataReceived += (_, e) => Append(e.Data);
        _ctr.BeginOutputReadLine();
        _ctr.BeginErrorReadLine();
        try
        {
            Pid = WaitRunning(TimeSpan.FromSeconds(15));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Id { get; }

    /// <summary>The task's init process; its netns is what ctr gave the plugins as CNI_NETNS.</summary>
    public int Pid { get; }

    public string NetnsPath => $"/proc/{Pid}/ns/net";

    /// <summary>What the foreground ctr printed (the task's output and ctr's errors).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>
    /// SIGKILL to the task (busybox as PID 1 ignores SIGTERM), the foreground ctr's exit (after its DEL and task
    /// delete) and <c>ctr container rm</c>; returns ctr run's exit code.
    /// </summary>
    public int Stop()
    {
        _containerd.Ctr(Namespace, "task", "kill", "-s", "SIGKILL", Id);
        if (!_ctr.WaitForExit(20_000))
            Assert.Fail($"ctr run {Id} did not exit after its task was killed{Environment.NewLine}{Output}{Environment.NewLine}{_containerd.Report()}");
        _ctr.WaitForExit();
        _containerd.Ctr(Namespace, "container", "rm", Id);
        _removed = true;
        return _ctr.ExitCode;
    }

    public void Dispose()
    {
        if (!_ctr.HasExited)
        {
            TryCtr("task", "kill", "-s", "SIGKILL", Id);
            if (!_ctr.WaitForExit(10_000)) _ctr.Kill();
            _ctr.WaitForExit();
            TryCtr("task", "rm", "-f", Id);
        }
        if (!_removed) TryCtr("container", "rm", Id);
        _ctr.Dispose();
    }

    /// <summary>A cleanup step: its failure is not the test's (the daemon's Dispose kills what is left).</summary>
    private void TryCtr(params string[] args) =>
        _containerd.Node.Run("ctr", ["-a", _containerd.Socket, "-n", Namespace, .. args], timeout: TimeSpan.FromSeconds(10));

    private int WaitRunning(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_ctr.HasExited)
            {
                _ctr.WaitForExit();
                Assert.Fail($"ctr run {Id} exited {_ctr.ExitCode} before its task ran: {Output.Trim()}{Environment.NewLine}{_containerd.Report()}");
            }
            var tasks = _containerd.Node.Run("ctr", ["-a", _containerd.Socket, "-n", Namespace, "task", "ls"],
                timeout: TimeSpan.FromSeconds(10)).Stdout;
            foreach (var line in tasks.Split('\n'))
                if (line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var id, var pid, "RUNNING"] && id == Id)
                    return int.Parse(pid);
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"ctr run {Id}: no running task within {timeout.TotalSeconds}s: {tasks}{Output}{Environment.NewLine}{_containerd.Report()}");
            Thread.Sleep(50);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
