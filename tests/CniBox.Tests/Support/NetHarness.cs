using System.Diagnostics;
using System.Text.Json;
using CniBox.Spec.Addressing;

namespace CniBox.Tests.Support;

/// <summary>
/// A host-like netns where the plugin runs (via <c>ip netns exec</c>, tests only), container namespaces, and a
/// temp host-local dataDir; everything is removed on Dispose. Nothing touches the real host netns.
/// </summary>
public sealed class NetHarness : IDisposable
{
    private readonly List<TestNetns> _containers = [];

    public NetHarness(string tag)
    {
        Host = new TestNetns(tag + "h");
        DataDir = Directory.CreateTempSubdirectory("cbt-ipam-").FullName;
    }

    public TestNetns Host { get; }
    public string DataDir { get; }

    public TestNetns Container(string tag = "c")
    {
        var ns = new TestNetns(tag);
        _containers.Add(ns);
        return ns;
    }

    /// <summary>host-local with one range set per subnet, storing under <see cref="DataDir"/>.</summary>
    public string HostLocal(string subnets, string routes = "") =>
        $"{{\"type\":\"host-local\",\"dataDir\":\"{DataDir}\",\"ranges\":[{string.Join(",", subnets.Split(' ').Select(s => $"[{{\"subnet\":\"{s}\"}}]"))}]{(routes.Length > 0 ? ",\"routes\":" + routes : "")}}}";

    public static string Conf(string type, string version, string ipam, string extra = "", string name = "cbt-net") =>
        $"{{\"cniVersion\":\"{version}\",\"name\":\"{name}\",\"type\":\"{type}\"{(ipam.Length > 0 ? ",\"ipam\":" + ipam : "")}{extra}}}";

    /// <summary>Runs <paramref name="plugin"/> (a path) inside the host netns as a runtime would.</summary>
    public ProcessResult Run(string plugin, string verb, string conf, string netns, string containerId = "cbt-c1",
        string ifName = "eth0", string cniArgs = "", bool goPath = false)
    {
        var path = goPath ? Binaries.GoPluginDir : $"{Binaries.AppletDir}:{Binaries.GoPluginDir}";
        var env = PluginProcess.Env(verb, containerId, netns, ifName, path);
        if (cniArgs.Length > 0) env["CNI_ARGS"] = cniArgs;
        return PluginProcess.Run("ip", env, conf, ["netns", "exec", Host.Name, plugin]);
    }

    /// <summary>Addresses host-local holds (files named like an IP) under the dataDir.</summary>
    public IReadOnlyList<string> AllocatedIps() =>
        Directory.EnumerateFiles(DataDir, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName).Where(n => IpAddr.TryParse(n, out _)).Select(n => n!).ToList();

    /// <summary>Links in a namespace other than lo, by name.</summary>
    public static IReadOnlyList<string> Links(TestNetns ns) =>
        JsonDocument.Parse(ns.IpIn("-j", "link", "show")).RootElement.EnumerateArray()
            .Select(l => l.GetProperty("ifname").GetString()!).Where(n => n != "lo").ToList();

    public static JsonElement Link(TestNetns ns, string name) =>
        JsonDocument.Parse(ns.IpIn("-d", "-j", "link", "show", "dev", name)).RootElement[0];

    /// <summary>ping from inside <paramref name="from"/>, retried while IPv6 DAD may still be running; true on a reply.</summary>
    public static bool Ping(TestNetns from, string address, int attempts = 5)
    {
        for (var i = 0; i < attempts; i++)
        {
            var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "netns", "exec", from.Name, "ping", "-c1", "-W1", address }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode == 0) return true;
            Thread.Sleep(300);
        }
        return false;
    }

    public void Dispose()
    {
        foreach (var c in _containers) c.Dispose();
        Host.Dispose();
        try { Directory.Delete(DataDir, true); } catch (IOException) { }
    }
}
