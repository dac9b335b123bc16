using System.Text.Json;
using System.Text.RegularExpressions;

namespace CniBox.Tests.Support;

/// <summary>
/// The kernel state of one namespace as sorted text lines, read back with <c>ip -j -d</c>, sysfs and /proc/sys:
/// links (kind, flags, MTU, master, bridge and port attributes), addresses, routes outside the local table,
/// and the forwarding/DAD/RA sysctls. Random names and MACs are masked so two namespaces configured alike by
/// two implementations give the same text; timing-dependent values are left out: IPv6 link-local addresses and
/// their tentative flags, timers, lifetimes, and carrier (LOWER_UP, NO-CARRIER, a route's linkdown), which the
/// kernel's linkwatch updates up to a second late.
/// </summary>
public static partial class NetnsSnapshot
{
    private static readonly string[] CarrierFlags = ["LOWER_UP", "NO-CARRIER", "M-DOWN", "linkdown"];

    private static readonly string[] BridgeAttributes = ["stp_state", "vlan_filtering", "mcast_snooping", "ageing_time", "forward_delay", "priority"];

    private static readonly string[] PortAttributes =
        ["hairpin", "isolated", "learning", "flood", "mcast_flood", "bcast_flood", "guard", "root_block", "neigh_suppress", "proxy_arp", "state", "cost", "priority"];

    private static readonly string[] SysctlFiles =
    [
        "/proc/sys/net/ipv4/ip_forward",
        "/proc/sys/net/ipv4/conf/*/forwarding",
        "/proc/sys/net/ipv4/conf/*/arp_notify",
        "/proc/sys/net/ipv6/conf/*/forwarding",
        "/proc/sys/net/ipv6/conf/*/accept_dad",
        "/proc/sys/net/ipv6/conf/*/enhanced_dad",
        "/proc/sys/net/ipv6/conf/*/accept_ra",
        "/proc/sys/net/ipv6/conf/*/disable_ipv6",
        "/proc/sys/net/ipv6/conf/*/keep_addr_on_down",
        "/sys/class/net/*/addr_assign_type",
    ];

    /// <summary>
    /// All lines, sorted and joined; MACs not in <paramref name="stableMacs"/> read as "random". With
    /// <paramref name="ignoreTentative"/> the tentative flag is left out too, for addresses whose DAD nobody waits
    /// for (the gateway on a bridge), so it depends only on how long ago they were added.
    /// </summary>
    public static string Describe(TestNetns ns, IReadOnlyCollection<string>? stableMacs = null, bool ignoreTentative = false)
    {
        var lines = Links(ns, stableMacs ?? []).Concat(Addresses(ns, ignoreTentative)).Concat(Routes(ns)).Concat(Sysctls(ns));
        return string.Join("\n", lines.Select(MaskNames).Order(StringComparer.Ordinal));
    }

    /// <summary>The host end of a veth is named veth + 8 random hex digits by both implementations.</summary>
    public static string MaskNames(string text) => RandomVethName().Replace(text, "VETH");

    /// <summary>MACs other than <paramref name="stableMacs"/> read as "MAC".</summary>
    public static string MaskMacs(string text, IReadOnlyCollection<string> stableMacs) =>
        Mac().Replace(text, m => stableMacs.Contains(m.Value) ? m.Value : "MAC");

    private static IEnumerable<string> Links(TestNetns ns, IReadOnlyCollection<string> stableMacs)
    {
        foreach (var link in IpJson(ns, "-d", "link", "show"))
        {
            var mac = link.TryGetProperty("address", out var a) ? a.GetString()! : "none";
            var parts = new List<string>
            {
                $"link {link.GetProperty("ifname").GetString()}",
                $"mtu={link.GetProperty("mtu").GetInt32()}",
                $"flags={Flags(link.GetProperty("flags"))}",
                $"promiscuity={link.GetProperty("promiscuity").GetInt32()}",
                $"master={(link.TryGetProperty("master", out var m) ? m.GetString() : "-")}",
                $"mac={(stableMacs.Contains(mac) || mac.StartsWith("00:00:00") ? mac : "random")}",
            };
            if (link.TryGetProperty("linkinfo", out var info))
            {
                parts.Add($"kind={Str(info, "info_kind")}");
                if (info.TryGetProperty("info_data", out var data) && Str(info, "info_kind") == "bridge")
                    parts.AddRange(BridgeAttributes.Select(k => $"{k}={Str(data, k)}"));
                if (info.TryGetProperty("info_slave_data", out var port))
                    parts.AddRange(PortAttributes.Select(k => $"port.{k}={Str(port, k)}"));
            }
            yield return string.Join(' ', parts);
        }
    }

    private static IEnumerable<string> Addresses(TestNetns ns, bool ignoreTentative)
    {
        foreach (var link in IpJson(ns, "addr", "show"))
        {
            var dev = link.GetProperty("ifname").GetString();
            foreach (var addr in link.GetProperty("addr_info").EnumerateArray())
            {
                var family = Str(addr, "family");
                var local = Str(addr, "local");
                if (family == "inet6" && Str(addr, "scope") == "link")
                {
                    // Derived from a random MAC, and its DAD may still be running: its presence is what counts.
                    yield return $"addr {dev} inet6 link-local/{Str(addr, "prefixlen")}";
                    continue;
                }
                var flags = addr.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.True && !(ignoreTentative && p.Name == "tentative")).Select(p => p.Name).Order();
                yield return $"addr {dev} {family} {local}/{Str(addr, "prefixlen")} scope={Str(addr, "scope")} brd={Str(addr, "broadcast")} flags={string.Join(',', flags)}";
            }
        }
    }

    private static IEnumerable<string> Routes(TestNetns ns)
    {
        foreach (var family in new[] { "-4", "-6" })
            foreach (var route in IpJson(ns, family, "-d", "route", "show", "table", "all"))
            {
                if (Str(route, "table") == "local") continue;
                var fields = route.EnumerateObject().Where(p => p.Name != "expires")
                    .Select(p => $"{p.Name}={(p.Value.ValueKind == JsonValueKind.Array ? Flags(p.Value) : p.Value.ToString())}");
                yield return $"route {family} {string.Join(' ', fields.Order(StringComparer.Ordinal))}";
            }
    }

    private static IEnumerable<string> Sysctls(TestNetns ns)
    {
        // A link the kernel is still tearing down (the peer of a veth whose netns went) vanishes between the glob and
        // the read: grep then fails on its files. The state is changing, so read again until one read is whole.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var output = TestNetns.Ip("netns", "exec", ns.Name, "sh", "-c", "grep -H . " + string.Join(' ', SysctlFiles));
                return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "sysctl " + l);
            }
            catch (InvalidOperationException) when (attempt < 10)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static IEnumerable<JsonElement> IpJson(TestNetns ns, params string[] args) =>
        JsonDocument.Parse(ns.IpIn(["-j", .. args])).RootElement.EnumerateArray().ToList();

    private static string Flags(JsonElement array) =>
        string.Join(',', array.EnumerateArray().Select(f => f.GetString()!).Where(f => !CarrierFlags.Contains(f)));

    private static string Str(JsonElement e, string key) => e.TryGetProperty(key, out var v) ? v.ToString() : "-";

    [GeneratedRegex("[0-9a-f]{2}(:[0-9a-f]{2}){5}")]
    private static partial Regex Mac();

    [GeneratedRegex("veth[0-9a-f]{8}")]
    private static partial Regex RandomVethName();
}
