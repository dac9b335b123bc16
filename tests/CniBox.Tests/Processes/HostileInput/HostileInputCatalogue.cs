using System.Text;
using System.Text.Json.Nodes;

namespace CniBox.Tests.Processes.HostileInput;

/// <summary>
/// The catalogue: for every applet the same generic attacks on its stdin and environment, then the bad values its own
/// keys invite. Codes are Go's (Debian's plugins 1.1.1 on the same input), 6 decode, 7 config, 4 environment, 999 other.
/// </summary>
public static class HostileInputCatalogue
{
    public const string DataDirToken = "DATADIR";
    public const string NetworkName = "cbthznet";

    private const string Prev = """
        {"cniVersion":"1.0.0","interfaces":[{"name":"cbthz0"},{"name":"cbthz1"},{"name":"eth0","sandbox":"NETNS"}],
         "ips":[{"address":"10.199.154.5/24","gateway":"10.199.154.1","interface":2}]}
        """;

    private const string HostLocal = """{"type":"host-local","subnet":"10.199.154.0/24","dataDir":"DATADIR"}""";

    private static readonly Dictionary<string, string> Base = new()
    {
        ["bandwidth"] = $$"""{"type":"bandwidth","ingressRate":800000,"ingressBurst":80000,"prevResult":{{Prev}}}""",
        ["bridge"] = $$"""{"type":"bridge","bridge":"cbthz0","ipam":{{HostLocal}}}""",
        ["dummy"] = $$"""{"type":"dummy","ipam":{{HostLocal}}}""",
        ["firewall"] = $$"""{"type":"firewall","prevResult":{{Prev}}}""",
        ["host-local"] = $$"""{"type":"bridge","ipam":{{HostLocal}}}""",
        ["ipvlan"] = $$"""{"type":"ipvlan","master":"cbthzm","ipam":{{HostLocal}}}""",
        ["loopback"] = """{"type":"loopback"}""",
        ["macvlan"] = $$"""{"type":"macvlan","master":"cbthzm","ipam":{{HostLocal}}}""",
        ["portmap"] = $$"""
            {"type":"portmap","capabilities":{"portMappings":true},
             "runtimeConfig":{"portMappings":[{"hostPort":18080,"containerPort":80,"protocol":"tcp"}]},"prevResult":{{Prev}}}
            """,
        ["ptp"] = $$"""{"type":"ptp","ipam":{{HostLocal}}}""",
        ["static"] = """{"type":"bridge","ipam":{"type":"static","addresses":[{"address":"10.199.154.7/24"}]}}""",
        ["tuning"] = $$"""{"type":"tuning","sysctl":{"net.core.somaxconn":"512"},"prevResult":{{Prev}}}""",
        ["vlan"] = $$"""{"type":"vlan","master":"cbthzm","vlanId":5,"ipam":{{HostLocal}}}""",
    };

    /// <summary>The applets that decode CNI_ARGS as Go's types.LoadArgs does.</summary>
    private static readonly HashSet<string> ReadsCniArgs = ["bridge", "host-local", "macvlan", "static", "tuning"];

    public static IEnumerable<string> Applets => Base.Keys.Order(StringComparer.Ordinal);

    public static IEnumerable<HostileCase> All => Applets.SelectMany(a => Generic(a).Concat(Specific(a)));

    private static IEnumerable<HostileCase> Generic(string applet)
    {
        byte[] good = Config(applet, _ => { });
        byte[] withoutBrace = good[..^1];
        yield return Case(applet, "name of the wrong type", Config(applet, c => c["name"] = 5), 6);
        yield return Case(applet, "name escaping a path", Config(applet, c => c["name"] = "../../etc"), 7);
        yield return Case(applet, "ifname escaping a path", good, 4, ("CNI_IFNAME", "../../x"));
        yield return Case(applet, "container ID escaping a path", good, 4, ("CNI_CONTAINERID", "../../x"));
        yield return Case(applet, "invalid UTF-8 in the name", Replace(good, $"\"{NetworkName}\"", [.. "\"cbthz"u8, 0xFF, 0xFE, (byte)'"']), 7);
        yield return Case(applet, "10,000 nested arrays",
            [.. withoutBrace, .. ",\"x\":"u8, .. Repeat((byte)'[', 10_000), .. Repeat((byte)']', 10_000), (byte)'}'], 6);
        yield return Case(applet, "1 MiB config cut short", [.. withoutBrace, .. ",\"x\":\""u8, .. Repeat((byte)'a', 1 << 20)], 6);
        yield return Case(applet, "a JSON array", [(byte)'[', .. good, (byte)']'], 6);
        if (!ReadsCniArgs.Contains(applet)) yield break;
        yield return Case(applet, "CNI_ARGS pair without a value", good, 999, ("CNI_ARGS", "IP"));
        yield return Case(applet, "CNI_ARGS IgnoreUnknown not a boolean", good, 999, ("CNI_ARGS", "IgnoreUnknown=maybe;IP=10.199.154.9"));
    }

    private static IEnumerable<HostileCase> Specific(string applet)
    {
        (string Description, Action<JsonObject> Edit, int Code)[] cases = applet switch
        {
            "bandwidth" =>
            [
                ("negative rate", c => c["ingressRate"] = -1, 6),
                ("rate beyond uint64", c => c["ingressRate"] = JsonNode.Parse("18446744073709551616"), 6),
                ("rate without burst", c => c["ingressBurst"] = 0, 7),
            ],
            "bridge" =>
            [
                ("mtu as a string", c => c["mtu"] = "1500", 6),
                ("mtu beyond int64", c => c["mtu"] = JsonNode.Parse("100000000000000000000"), 6),
                ("vlan 5000", c => c["vlan"] = 5000, 7),
                ("vlan -1", c => c["vlan"] = -1, 7),
                ("overlapping ranges", c => c["ipam"] = OverlappingRanges, 999),
            ],
            "dummy" => [("ipam of the wrong type", c => c["ipam"] = "x", 6)],
            "firewall" =>
            [
                ("unknown backend", c => c["backend"] = "bogus", 7),
                ("unknown ingressPolicy", c => c["ingressPolicy"] = "bogus", 999),
            ],
            "host-local" =>
            [
                ("overlapping ranges", c => c["ipam"] = OverlappingRanges, 999),
                ("prefix /33", c => c["ipam"]!["subnet"] = "10.199.154.0/33", 999),
                ("rangeStart outside the subnet", c => c["ipam"]!["rangeStart"] = "10.199.200.1", 999),
                ("ranges of the wrong type", c => c["ipam"]!["ranges"] = "x", 6),
            ],
            "ipvlan" => [("unknown mode", c => c["mode"] = "bogus", 999)],
            "loopback" => [("prevResult of the wrong type", c => c["prevResult"] = "x", 6)],
            "macvlan" =>
            [
                ("unknown mode", c => c["mode"] = "bogus", 999),
                ("negative mtu", c => c["mtu"] = -1, 999),
                ("master escaping a path", c => c["master"] = "../../x", 999),
            ],
            "portmap" =>
            [
                ("negative host port", c => c["runtimeConfig"] = Mapping(-1, 80), 999),
                ("host port 70000", c => c["runtimeConfig"] = Mapping(70000, 80), 7),
                ("container port 0", c => c["runtimeConfig"] = Mapping(18080, 0), 999),
                ("host port as a string", c => c["runtimeConfig"] = JsonNode.Parse("""{"portMappings":[{"hostPort":"80","containerPort":80}]}"""), 999),
            ],
            "ptp" => [("mtu as a string", c => c["mtu"] = "x", 6)],
            "static" =>
            [
                ("prefix /99", c => c["ipam"]!["addresses"] = JsonNode.Parse("""[{"address":"10.199.154.7/99"}]"""), 999),
                ("addresses of the wrong type", c => c["ipam"]!["addresses"] = "x", 6),
            ],
            "tuning" =>
            [
                ("sysctl escaping /proc/sys", c => c["sysctl"] = new JsonObject { ["net/../../../../tmp/cbthz"] = "1" }, 999),
                ("sysctl dots escaping /proc/sys", c => c["sysctl"] = new JsonObject { ["net.ipv4.conf....tmp"] = "1" }, 999),
                ("invalid mac", c => c["mac"] = "zz:zz", 7),
                ("sysctl value of the wrong type", c => c["sysctl"] = new JsonObject { ["net.core.somaxconn"] = 5 }, 6),
            ],
            "vlan" =>
            [
                ("vlanId 5000", c => c["vlanId"] = 5000, 999),
                ("vlanId -1", c => c["vlanId"] = -1, 999),
                ("vlanId as a string", c => c["vlanId"] = "5", 6),
            ],
            _ => [],
        };
        return cases.Select(c => Case(applet, c.Description, Config(applet, c.Edit), c.Code));
    }

    private static JsonNode OverlappingRanges => JsonNode.Parse("""
        {"type":"host-local","dataDir":"DATADIR","ranges":[[{"subnet":"10.199.154.0/24"}],[{"subnet":"10.199.154.0/25"}]]}
        """)!;

    private static JsonNode Mapping(int hostPort, int containerPort) => new JsonObject
    {
        ["portMappings"] = new JsonArray(new JsonObject { ["hostPort"] = hostPort, ["containerPort"] = containerPort, ["protocol"] = "tcp" }),
    };

    private static HostileCase Case(string applet, string description, byte[] stdin, int code, params (string Key, string Value)[] env) =>
        new(applet, description, stdin, env.ToDictionary(e => e.Key, e => e.Value), code);

    private static byte[] Config(string applet, Action<JsonObject> edit)
    {
        var config = new JsonObject { ["cniVersion"] = "1.0.0", ["name"] = NetworkName };
        foreach (var (key, value) in JsonNode.Parse(Base[applet])!.AsObject().ToList())
            config[key] = value?.DeepClone();
        edit(config);
        return Encoding.UTF8.GetBytes(config.ToJsonString());
    }

    private static byte[] Replace(byte[] text, string from, byte[] to)
    {
        int at = text.AsSpan().IndexOf(Encoding.UTF8.GetBytes(from));
        return [.. text[..at], .. to, .. text[(at + Encoding.UTF8.GetByteCount(from))..]];
    }

    private static byte[] Repeat(byte b, int count) => Enumerable.Repeat(b, count).ToArray();
}
