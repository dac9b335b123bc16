using System.Diagnostics;
using System.Text;

namespace CniBox.Tests.Support.EndToEnd;

/// <summary>
/// A containerd daemon (CRI built in) of one test, started inside a <see cref="RuntimeNode"/>: its config is
/// <c>containerd config default</c> with root, state, opt and the grpc, ttrpc and debug sockets moved under the
/// node's Dir, CRI <c>cni.bin_dir</c> = <paramref name="pluginDir"/> (cnibox's symlinks unless told otherwise),
/// <c>cni.conf_dir</c> = <see cref="ConfDir"/>, <c>restrict_oom_score_adj = true</c> (runc cannot raise it here) and
/// <c>sandbox_image</c> = <see cref="Image"/> and runc's state root under Dir too (only the shims' sockets stay in
/// /run/containerd/s, fixed in 1.6, gone with the shims). The image is what <see cref="ImportImage"/> puts into a namespace offline.
/// Killed by PID on Dispose, after the tasks it still runs; <see cref="Log"/> keeps what it printed.
/// </summary>
public sealed class PrivateContainerd : IDisposable
{
    /// <summary>The namespace the CRI plugin keeps its images, pods and containers in.</summary>
    public const string CriNamespace = "k8s.io";

    /// <summary>The busybox image <see cref="ImportImage"/> makes from <see cref="BusyboxRootfs"/>; also the pause image.</summary>
    public const string Image = "docker.io/library/cbt-busybox:latest";

    private static readonly Lazy<string> VersionLine = new(() => RunHost("containerd", "--version").Trim());
    private readonly Process _daemon;
    private readonly StringBuilder _log = new();

    public PrivateContainerd(RuntimeNode node, string? pluginDir = null)
    {
        RequireTools();
        Node = node;
        PluginDir = pluginDir ?? Binaries.AppletDir;
        Dir = Directory.CreateDirectory(Path.Combine(node.Dir, "containerd")).FullName;
        ConfDir = Directory.CreateDirectory(Path.Combine(Dir, "net.d")).FullName;
        Socket = Path.Combine(Dir, "containerd.sock");
        var config = Path.Combine(Dir, "config.toml");
        File.WriteAllText(config, Config(RunHost("containerd", "config", "default")));
        TestContext.Progress.WriteLine($"{Version} (private daemon in {node.Name}, bin_dir {PluginDir})");
        _daemon = node.Start("containerd", ["--config", config]);
        _daemon.OutputDataReceived += (_, e) => Append(e.Data);
        _daemon.ErrorDataReceived += (_, e) => Append(e.Data);
        _daemon.BeginOutputReadLine();
        _daemon.BeginErrorReadLine();
        try
        {
            WaitServing(TimeSpan.FromSeconds(30));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary><c>containerd --version</c>, for the test output.</summary>
    public static string Version => VersionLine.Value;

    public RuntimeNode Node { get; }
    public string PluginDir { get; }
    public string Dir { get; }

    /// <summary>Where the CRI plugin reads its one conflist from (it picks up a file written after start).</summary>
    public string ConfDir { get; }

    /// <summary>The grpc socket: <c>ctr -a</c> and the CRI client talk to it.</summary>
    public string Socket { get; }

    public int Pid => _daemon.Id;

    public string Log { get { lock (_log) return _log.ToString(); } }

    public static void RequireTools()
    {
        TestNetns.RequireRoot();
        foreach (var tool in new[] { "/usr/bin/containerd", "/usr/bin/ctr", "/usr/sbin/runc", "/usr/bin/podman" })
            Assume.That(File.Exists(tool), $"{tool} is not installed (tests/deps.sh installs containerd, runc and podman)");
        BusyboxRootfs.Require();
    }

    /// <summary><c>ctr -a SOCKET -n NAMESPACE ARGS</c> in the node; fails the test with the daemon's log on error.</summary>
    public string Ctr(string ns, params string[] args)
    {
        var result = Node.Run("ctr", ["-a", Socket, "-n", ns, .. args]);
        if (result.ExitCode != 0)
            Assert.Fail($"ctr -n {ns} {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr.Trim()}" +
                $"{Environment.NewLine}{Report()}");
        return result.Stdout;
    }

    /// <summary>
    /// <see cref="BusyboxRootfs.Tarball"/> as <see cref="Image"/> (CMD sleep, PATH set) in namespace
    /// <paramref name="ns"/>: podman import, podman save as a docker archive, ctr image import. podman runs in a
    /// mount namespace of its own with tmpfs over /var/lib and /run, and a storage.conf under Dir, so neither the
    /// host's /var/lib/containers nor /run/libpod is created or read.
    /// </summary>
    public void ImportImage(string ns = CriNamespace)
    {
        var podman = Directory.CreateDirectory(Path.Combine(Dir, "podman")).FullName;
        var storageConf = Path.Combine(podman, "storage.conf");
        File.WriteAllText(storageConf, $"[storage]\ndriver = \"vfs\"\ngraphroot = \"{podman}/graph\"\nrunroot = \"{podman}/run\"\n");
        var archive = Path.Combine(podman, "image.tar");
        var script = "mount -t tmpfs cbt-cri /var/lib && mount -t tmpfs cbt-cri /run"
            + " && podman import --change 'CMD [\"/bin/sleep\",\"86400\"]' --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin'"
            + $" {BusyboxRootfs.Tarball} {Image}"
            + $" && podman save --format docker-archive -o {archive} {Image}";
        var psi = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--mount", "--propagation", "private", "sh", "-c", script }) psi.ArgumentList.Add(arg);
        psi.Environment["CONTAINERS_STORAGE_CONF"] = storageConf;
        using (var process = Process.Start(psi)!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                Assert.Fail($"podman import/save of {Image} exited {process.ExitCode}: {stderr.Trim()} {stdout.Result.Trim()}");
        }
        Ctr(ns, "image", "import", archive);
    }

    /// <summary>The daemon's log and the node's state, for a failure message.</summary>
    public string Report() => $"--- containerd log ---{Environment.NewLine}{Log}{Environment.NewLine}{Node.Report()}";

    public void Dispose()
    {
        if (!_daemon.HasExited)
        {
            KillLeftoverTasks();
            Signal("TERM");
            if (!_daemon.WaitForExit(10_000))
            {
                Signal("KILL");
                _daemon.WaitForExit();
            }
        }
        _daemon.Dispose();
    }

    /// <summary>Tasks a failed test left running: their shims outlive the daemon, so they go first.</summary>
    private void KillLeftoverTasks()
    {
        foreach (var ns in Lines(CtrUnchecked("namespaces", "ls", "-q")))
            foreach (var task in Lines(CtrUnchecked("-n", ns, "tasks", "ls", "-q")))
            {
                CtrUnchecked("-n", ns, "tasks", "kill", "-a", "-s", "SIGKILL", task);
                CtrUnchecked("-n", ns, "tasks", "rm", "-f", task);
            }
    }

    private string CtrUnchecked(params string[] args) =>
        Node.Run("ctr", ["-a", Socket, .. args], timeout: TimeSpan.FromSeconds(20)).Stdout;

    private string Config(string defaults)
    {
        var text = new StringBuilder();
        var section = "";
        foreach (var line in defaults.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith('[')) section = trimmed;
            var indent = line[..line.IndexOf(trimmed, StringComparison.Ordinal)];
            text.AppendLine(Rewrite(section, trimmed) is { } value ? indent + value : line);
        }
        return text.ToString();
    }

    private string? Rewrite(string section, string line)
    {
        var key = line.Split(" = ")[0];
        return (section, key) switch
        {
            ("", "root") => $"root = \"{Dir}/root\"",
            ("", "state") => $"state = \"{Dir}/state\"",
            ("[grpc]", "address") => $"address = \"{Socket}\"",
            ("[ttrpc]", "address") => $"address = \"{Socket}.ttrpc\"",
            ("[debug]", "address") => $"address = \"{Dir}/debug.sock\"",
            ("[plugins.\"io.containerd.internal.v1.opt\"]", "path") => $"path = \"{Dir}/opt\"",
            ("[plugins.\"io.containerd.grpc.v1.cri\"]", "restrict_oom_score_adj") => "restrict_oom_score_adj = true",
            ("[plugins.\"io.containerd.grpc.v1.cri\"]", "sandbox_image") => $"sandbox_image = \"{Image}\"",
            ("[plugins.\"io.containerd.grpc.v1.cri\".cni]", "bin_dir") => $"bin_dir = \"{PluginDir}\"",
            ("[plugins.\"io.containerd.grpc.v1.cri\".cni]", "conf_dir") => $"conf_dir = \"{ConfDir}\"",
            ("[plugins.\"io.containerd.grpc.v1.cri\".containerd]", "snapshotter") => "snapshotter = \"overlayfs\"",
            ("[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]", "Root") => $"Root = \"{Dir}/runc\"",
            _ => null,
        };
    }

    private void WaitServing(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!(File.Exists(Socket) && Log.Contains("containerd successfully booted", StringComparison.Ordinal)))
        {
            if (_daemon.HasExited)
                Assert.Fail($"containerd exited {_daemon.ExitCode} before serving{Environment.NewLine}{Log}");
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"containerd did not serve {Socket} within {timeout.TotalSeconds}s{Environment.NewLine}{Log}");
            Thread.Sleep(50);
        }
    }

    private void Signal(string signal) => RunHost("kill", $"-{signal}", _daemon.Id.ToString());

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string RunHost(string program, params string[] args)
    {
        var result = PluginProcess.Run(program, new Dictionary<string, string>(), "", args);
        if (result.ExitCode != 0 && program != "kill")
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr.Trim()}");
        return result.Stdout;
    }
}
