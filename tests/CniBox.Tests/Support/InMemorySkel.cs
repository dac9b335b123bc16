using System.Text;
using System.Text.Json;
using CniBox.Applets;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Support;

/// <summary>
/// Runs an applet as the runtime would (CNI_* env, config on stdin, result or error on stdout), in memory:
/// no process globals touched, no root needed.
/// </summary>
public static class InMemorySkel
{
    public sealed record Outcome(int Exit, string Stdout, string Stderr)
    {
        /// <summary>The error object's code and msg; fails the test unless the applet exited 1 with one.</summary>
        public (int Code, string Msg) Error()
        {
            Assert.That(Exit, Is.EqualTo(1), $"stdout: {Stdout}\nstderr: {Stderr}");
            using var doc = JsonDocument.Parse(Stdout);
            return (doc.RootElement.GetProperty("code").GetInt32(), doc.RootElement.GetProperty("msg").GetString()!);
        }
    }

    public static Dictionary<string, string> Env(string command, string netns = "/var/run/netns/x", string ifName = "eth0") => new()
    {
        ["CNI_COMMAND"] = command, ["CNI_CONTAINERID"] = "c1", ["CNI_NETNS"] = netns,
        ["CNI_IFNAME"] = ifName, ["CNI_PATH"] = "/opt/cni/bin",
    };

    public static Outcome Run(IApplet applet, Dictionary<string, string> env, string stdin, string logLevel = "", string name = "fake")
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        env["CNIBOX_LOG_LEVEL"] = logLevel;
        using var log = AppletLogging.Create(name, k => env.GetValueOrDefault(k), stderr);
        var ctx = new AppletContext
        {
            Name = name,
            Args = [],
            Getenv = k => env.GetValueOrDefault(k),
            Stdin = new MemoryStream(Encoding.UTF8.GetBytes(stdin)),
            Stdout = stdout,
            Stderr = stderr,
            Log = log,
            IsOwnNetns = path => path == "/proc/self/ns/net",
        };
        var exit = applet.Run(ctx);
        return new Outcome(exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}
