using System.Diagnostics;

namespace CniBox.Tests.Support;

/// <summary>
/// A dbus-daemon of our own with the system bus's policy (names are owned only where a policy allows it, as
/// firewalld's <c>/usr/share/dbus-1/system.d/FirewallD.conf</c> does for root), listening on a socket in a temp dir
/// <c>/tmp/cbt-fwd-*</c>. It has no service directories, so nothing is ever activated on it; the host's bus is never
/// used. Started and killed by PID; the dir goes with it.
/// </summary>
public sealed class PrivateSystemBus : IDisposable
{
    private readonly Process _daemon;

    public PrivateSystemBus()
    {
        RequireTools();
        Dir = Directory.CreateTempSubdirectory("cbt-fwd-").FullName;
        Socket = Path.Combine(Dir, "system_bus_socket");
        var config = Path.Combine(Dir, "bus.conf");
        File.WriteAllText(config, Config(Socket));
        var psi = new ProcessStartInfo("dbus-daemon") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { $"--config-file={config}", "--nofork", "--nopidfile", "--print-address=1" })
            psi.ArgumentList.Add(arg);
        _daemon = Process.Start(psi)!;
        _daemon.ErrorDataReceived += (_, _) => { };
        _daemon.BeginErrorReadLine();
        // The daemon prints its address once it listens.
        var printed = _daemon.StandardOutput.ReadLineAsync();
        if (!printed.Wait(TimeSpan.FromSeconds(10)) || printed.Result is null)
        {
            Dispose();
            throw new InvalidOperationException("dbus-daemon did not start listening within 10 s");
        }
        Address = "unix:path=" + Socket;
    }

    public string Dir { get; }
    public string Socket { get; }

    /// <summary>The address a plugin gets in <c>DBUS_SYSTEM_BUS_ADDRESS</c>.</summary>
    public string Address { get; }

    public int Pid => _daemon.Id;

    public Dictionary<string, string> Env => new() { ["DBUS_SYSTEM_BUS_ADDRESS"] = Address };

    public static void RequireTools() =>
        Assume.That(File.Exists("/usr/bin/dbus-daemon"), "dbus-daemon is not installed (tests/deps.sh installs dbus)");

    public void Dispose()
    {
        try
        {
            if (!_daemon.HasExited) _daemon.Kill();
            _daemon.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _daemon.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }

    private static string Config(string socket) => $"""
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>system</type>
          <auth>EXTERNAL</auth>
          <listen>unix:path={socket}</listen>
          <policy context="default">
            <allow user="*"/>
            <deny own="*"/>
            <deny send_type="method_call"/>
            <allow send_type="signal"/>
            <allow send_requested_reply="true" send_type="method_return"/>
            <allow send_requested_reply="true" send_type="error"/>
            <allow receive_type="method_call"/>
            <allow receive_type="method_return"/>
            <allow receive_type="error"/>
            <allow receive_type="signal"/>
            <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
            <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
            <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
          </policy>
          <include ignore_missing="yes">/usr/share/dbus-1/system.d/FirewallD.conf</include>
        </busconfig>
        """;
}
