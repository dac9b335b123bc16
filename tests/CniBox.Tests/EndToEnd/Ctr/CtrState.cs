using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CniBox.Tests.Support;
using CniBox.Tests.Support.EndToEnd;

namespace CniBox.Tests.EndToEnd.Ctr;

/// <summary>What the ctr tests read back: the host's /var/lib/cni for one network, a container's eth0, HTTP, the plugin log.</summary>
internal static class CtrState
{
    private const string CniState = "/var/lib/cni";
    private static readonly string Results = Path.Combine(CniState, "results");

    /// <summary>The per-network dirs the plugins create under /var/lib/cni (host-local's store, the firewall's records).</summary>
    public static string[] Dirs(string network) =>
        [Path.Combine(CniState, "networks", network), Path.Combine(CniState, "firewall", network)];

    /// <summary>Teardown: whatever a failed test left of <paramref name="network"/> under /var/lib/cni.</summary>
    public static void Remove(string network)
    {
        foreach (var dir in Dirs(network))
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        foreach (var file in CachedResultPaths(network)) File.Delete(file);
    }

    /// <summary>host-local's reservations: the files of the network's store named as an address.</summary>
    public static string[] IpFiles(string network)
    {
        var dir = Dirs(network)[0];
        return Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir).Select(Path.GetFileName).Where(n => IPAddress.TryParse(n, out _)).Select(n => n!).ToArray()
            : [];
    }

    /// <summary>libcni's result cache entries of the network (<c>results/&lt;net&gt;-&lt;cid&gt;-&lt;ifname&gt;</c>).</summary>
    public static string[] CachedResults(string network) => CachedResultPaths(network).Select(Path.GetFileName).Select(n => n!).ToArray();

    private static IEnumerable<string> CachedResultPaths(string network) =>
        Directory.Exists(Results) ? Directory.EnumerateFiles(Results, $"{network}-*") : [];

    /// <summary>The IPv4 address/prefix of eth0 in the netns at <paramref name="netnsPath"/> (a /proc/PID/ns/net or a bind mount).</summary>
    public static string Eth0Address(string netnsPath)
    {
        var result = PluginProcess.Run("nsenter", new Dictionary<string, string>(), args: [$"--net={netnsPath}", "ip", "-4", "-o", "addr", "show", "dev", "eth0"]);
        var match = Regex.Match(result.Stdout, @"inet (\S+)");
        return match.Success ? match.Groups[1].Value : $"(no IPv4 on eth0: {result.Stdout}{result.Stderr})";
    }

    /// <summary>GET http://IP/index.html from the node, retried for a few seconds while the server starts.</summary>
    public static string HttpGet(RuntimeNode node, string ip)
    {
        ProcessResult result = new(-1, "", "");
        for (var attempt = 0; attempt < 20; attempt++)
        {
            result = node.Run("curl", ["-sS", "-m", "2", $"http://{ip}/index.html"], timeout: TimeSpan.FromSeconds(5));
            if (result.ExitCode == 0) return result.Stdout;
            Thread.Sleep(250);
        }
        return $"(curl exited {result.ExitCode}: {result.Stderr.Trim()})";
    }

    /// <summary>"VERB applet containerID netns" of each plugin call in cnibox's log, /proc/PID/ shown as /proc/*/.</summary>
    public static string[] CallsLogged(string pluginLog) => !File.Exists(pluginLog) ? [] : File.ReadAllLines(pluginLog)
        .Select(line => JsonDocument.Parse(line).RootElement.Clone())
        .Where(e => e.TryGetProperty("Command", out _) && e.TryGetProperty("ContainerId", out _))
        .Select(e => string.Join(' ', e.GetProperty("Command").GetString(), e.GetProperty("Applet").GetString(),
            e.GetProperty("ContainerId").GetString(), Regex.Replace(e.GetProperty("Netns").GetString()!, @"^/proc/\d+/", "/proc/*/")))
        .ToArray();
}
