using System.Net.Sockets;
using System.Runtime.InteropServices;
using CniBox.Ipam.Dhcp;
using CniBox.Ipam.Dhcp.Daemon;
using CniBox.Ipam.Dhcp.Protocol;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Dhcp;

/// <summary>
/// <c>dhcp daemon</c> with Go's flags (<c>-socketpath</c>, <c>-pidfile</c>, <c>-hostprefix</c>, <c>-broadcast</c>,
/// <c>-timeout</c>, <c>-resendmax</c>, <c>-resendtimeout</c>) and ours (<c>-statedir</c>, where leases survive a
/// restart). Listens on systemd's socket when started by socket activation. SIGTERM and SIGINT stop it cleanly:
/// leases stay on disk (not released) and are resumed by the next start. Logs at Information unless CNIBOX_LOG_LEVEL says otherwise.
/// </summary>
public static class DhcpDaemonCommand
{
    private static readonly GoFlags Flags = new(
        new HashSet<string> { "broadcast", "h", "help" },
        new HashSet<string> { "socketpath", "pidfile", "hostprefix", "timeout", "resendmax", "resendtimeout", "statedir" });

    public static int Run(AppletContext ctx, IReadOnlyList<string> args)
    {
        Dictionary<string, string> flags;
        DaemonSettings settings;
        try
        {
            flags = Flags.Parse(args);
            if (flags.ContainsKey("h") || flags.ContainsKey("help"))
            {
                ctx.Stderr.WriteLine(Usage);
                return 0;
            }
            settings = Settings(flags);
        }
        catch (FormatException e)
        {
            ctx.Stderr.WriteLine(e.Message);
            ctx.Stderr.WriteLine(Usage);
            return 2;
        }
        using var logger = AppletLogging.Create(ctx.Name,
            key => key == AppletLogging.LevelVariable ? ctx.Getenv(key) ?? "info" : ctx.Getenv(key), ctx.Stderr);
        Serilog.ILogger log = logger;
        var hostPrefix = settings.HostPrefix;
        var socketPath = flags.GetValueOrDefault("socketpath") is { Length: > 0 } p ? p : hostPrefix + DhcpConfig.DefaultSocketPath;
        Socket listener;
        bool ownSocketFile;
        try
        {
            var activated = DaemonServer.FromSystemd(ctx.Getenv);
            ownSocketFile = activated is null;
            listener = activated ?? DaemonServer.Bind(socketPath);
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
        {
            log.Error("cannot listen on {Path}: {Error}", socketPath, e.Message);
            return 1;
        }
        if (flags.GetValueOrDefault("pidfile") is { Length: > 0 } pidFile)
            File.WriteAllText(pidFile, Environment.ProcessId + "\n");
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        var leases = new LeaseManager(settings, log, TimeProvider.System);
        leases.Resume();
        log.Information("dhcp daemon listening on {Path}, state in {StateDir}", ownSocketFile ? socketPath : "systemd's socket", settings.Store.Directory);
        using (listener)
        {
            new DaemonServer(leases, log).RunAsync(listener, stop.Token).GetAwaiter().GetResult();
            leases.StopAllAsync().GetAwaiter().GetResult();
        }
        if (ownSocketFile) File.Delete(socketPath);
        log.Information("dhcp daemon stopped; {Count} leases kept for the next start", leases.Count);
        return 0;
    }

    private static DaemonSettings Settings(Dictionary<string, string> flags)
    {
        var defaults = new DhcpTimings();
        var timings = new DhcpTimings
        {
            Broadcast = flags.TryGetValue("broadcast", out var b) && GoFlags.Bool(b),
            Timeout = flags.TryGetValue("timeout", out var t) ? GoFlags.Duration(t) : defaults.Timeout,
            ResendMax = flags.TryGetValue("resendmax", out var m) ? GoFlags.Duration(m) : defaults.ResendMax,
            ResendTimeout = flags.TryGetValue("resendtimeout", out var r) ? GoFlags.Duration(r) : defaults.ResendTimeout,
        };
        var hostPrefix = flags.GetValueOrDefault("hostprefix") ?? "";
        var stateDir = flags.GetValueOrDefault("statedir") is { Length: > 0 } s ? s : hostPrefix + LeaseStore.DefaultDirectory;
        return new DaemonSettings(hostPrefix, timings, new LeaseStore(stateDir));
    }

    private const string Usage = """
        Usage of daemon:
          -broadcast            broadcast DHCP leases (set the BOOTP broadcast flag)
          -hostprefix string    optional prefix to host root (netns paths, default socket and state dir)
          -pidfile string       optional path to write daemon PID to
          -resendmax duration   optional dhcp client resend max duration (default 1m2s)
          -resendtimeout duration
                                how long to keep trying for a lease (default 3m28s)
          -socketpath string    optional dhcp server socketpath (default /run/cni/dhcp.sock)
          -statedir string      where leases are kept across restarts (default /var/lib/cni/dhcp)
          -timeout duration     optional dhcp client timeout duration (default 10s)
        """;
}
