using System.Text.Json;
using CniBox.Applets.Portmap;
using CniBox.Netlink.Namespaces;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Portmap.Iptables;

/// <summary>
/// A throwaway <c>cbt-pi*</c> namespace playing the node for portmap's iptables layout: our backend runs in-process on
/// a thread switched into it, Debian's Go portmap 1.1.1 runs there as a process, and both are read back with
/// iptables-save. Nothing outside the namespace is touched.
/// </summary>
public sealed class PortmapNode : IDisposable
{
    public const string GoPortmap = "/usr/lib/cni/portmap";

    public PortmapNode(string tag) => Netns = new TestNetns("pi" + tag);

    public TestNetns Netns { get; }

    public static void RequireTools()
    {
        Binaries.RequireGoPlugin("portmap");
        Assume.That(File.Exists("/usr/sbin/iptables") && File.Exists("/usr/sbin/ip6tables") && File.Exists("/usr/sbin/iptables-legacy"),
            "iptables is not installed");
    }

    /// <summary>Runs <paramref name="work"/> in-process inside the node (setns on a dedicated thread).</summary>
    public void Ours(Action work)
    {
        using NetNsHandle ns = NetNsHandle.Open(Netns.Path);
        NetNs.Run(ns, work);
    }

    /// <summary>A program inside the node; throws when it fails.</summary>
    public string Exec(string program, params string[] args) => NftTestNetns.Run("ip", ["netns", "exec", Netns.Name, program, .. args]);

    /// <summary>
    /// <c>iptables-save -t nat</c> then <c>ip6tables-save -t nat</c> (or the legacy tools) without the comment lines
    /// that carry dates, so two nodes can be compared line for line.
    /// </summary>
    public string Save(bool legacy = false)
    {
        string suffix = legacy ? "-legacy-save" : "-save";
        return string.Join("\n", new[] { "iptables" + suffix, "ip6tables" + suffix }
            .SelectMany(tool => Exec(tool, "-t", "nat").Split('\n'))
            .Where(l => l.Length > 0 && !l.StartsWith('#')));
    }

    /// <summary>Debian's Go portmap with the config equivalent to <paramref name="plan"/>; PATH can put other iptables first.</summary>
    public ProcessResult Go(string verb, PortmapPlan plan, string? pathFirst = null)
    {
        var env = PluginProcess.Env(verb, plan.ContainerId, Netns.Path, "eth0", Binaries.GoPluginDir);
        env["PATH"] = (pathFirst is null ? "" : pathFirst + ":") + "/usr/sbin:/usr/bin:/sbin:/bin";
        return PluginProcess.Run("ip", env, GoConf(plan), ["netns", "exec", Netns.Name, GoPortmap]);
    }

    /// <summary>The Go plugin's config for a plan: its keys, runtimeConfig.portMappings and a prevResult with the addresses.</summary>
    public static string GoConf(PortmapPlan plan)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("cniVersion", "1.0.0");
            w.WriteString("name", plan.Network);
            w.WriteString("type", "portmap");
            w.WriteBoolean("snat", plan.Snat);
            w.WriteBoolean("masqAll", plan.MasqAll);
            if (plan.ExternalSetMarkChain is { } external)
                w.WriteString("externalSetMarkChain", external);
            else
                w.WriteNumber("markMasqBit", plan.MarkMasqBit);
            foreach (var (key, tokens) in new[] { ("conditionsV4", plan.ConditionsV4), ("conditionsV6", plan.ConditionsV6) })
            {
                if (tokens is null) continue;
                w.WriteStartArray(key);
                foreach (string t in tokens) w.WriteStringValue(t);
                w.WriteEndArray();
            }
            w.WriteStartObject("runtimeConfig");
            w.WriteStartArray("portMappings");
            foreach (PortMapping m in plan.Mappings)
            {
                w.WriteStartObject();
                w.WriteNumber("hostPort", m.HostPort);
                w.WriteNumber("containerPort", m.ContainerPort);
                w.WriteString("protocol", m.Protocol);
                if (m.HostIp is { } ip) w.WriteString("hostIP", ip.ToString());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("prevResult");
            w.WriteString("cniVersion", "1.0.0");
            w.WriteStartArray("interfaces");
            w.WriteStartObject();
            w.WriteString("name", "eth0");
            w.WriteString("sandbox", "/var/run/netns/cbt-pi-sandbox");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("ips");
            foreach (var address in new[] { plan.ContainerV4, plan.ContainerV6 })
            {
                if (address is null) continue;
                w.WriteStartObject();
                w.WriteString("address", address.Value.ToString());
                w.WriteNumber("interface", 0);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public void Dispose() => Netns.Dispose();
}
