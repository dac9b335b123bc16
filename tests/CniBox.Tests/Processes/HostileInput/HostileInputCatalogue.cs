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

    /// <summary>Stands for a valid subnet.env the test writes outside the dataDir (flannel's <c>subnetFile</c>).</summary>
    public const string SubnetEnvToken = "SUBNETENV";
    public const string NetworkName = "cbthynet";

    private const string Prev = """
        {"cniVersion":"1.0.0","interfaces":[{"name":"cbthy0"},{"name":"cbthy1"},{"name":"eth0","sandbox":"NETNS"}],
         "ips":[{"address":"10.199.154.5/24","gateway":"10.199.154.1","interface":2}]}
        """;

    private const string HostLocal = """{"type":"host-local","subnet":"10.199.154.0/24","dataDir":"DATADIR"}""";

    private static readonly Dictionary<string, string> Base = new()
    {
        ["bandwidth"] = $$"""{"type":"bandwidth","ingressRate":800000,"ingressBurst":80000,"prevResult":{{Prev}}}""",
        ["bridge"] = $$"""{"type":"bridge","bridge":"cbthy0","ipam":{{HostLocal}}}""",
        ["dhcp"] = """{"type":"macvlan","ipam":{"type":"dhcp","daemonSocketPath":"DATADIR/dhcp.sock"}}""",
        ["dummy"] = $$"""{"type":"dummy","ipam":{{HostLocal}}}""",
        ["firewall"] = $$"""{"type":"firewall","prevResult":{{Prev}}}""",
        ["flannel"] = """
            {"type":"flannel","subnetFile":"SUBNETENV","dataDir":"DATADIR","delegate":{"bridge":"cbthy0"},
             "ipam":{"dataDir":"DATADIR"}}
            """,
        ["host-device"] = """{"type":"host-device","device":"cbthyp"}""",
        ["host-local"] = $$"""{"type":"bridge","ipam":{{HostLocal}}}""",
        ["ipvlan"] = $$"""{"type":"ipvlan","master":"cbthym","ipam":{{HostLocal}}}""",
        ["loopback"] = """{"type":"loopback"}""",
        ["macvlan"] = $$"""{"type":"macvlan","master":"cbthym","ipam":{{HostLocal}}}""",
        ["portmap"] = $$"""
            {"type":"portmap","capabilities":{"portMappings":true},
             "runtimeConfig":{"portMappings":[{"hostPort":18080,"containerPort":80,"protocol":"tcp"}]},"prevResult":{{Prev}}}
            """,
        ["ptp"] = $$"""{"type":"ptp","ipam":{{HostLocal}}}""",
        ["sbr"] = $$"""{"type":"sbr","prevResult":{{Prev}}}""",
        ["static"] = """{"type":"bridge","ipam":{"type":"static","addresses":[{"address":"10.199.154.7/24"}]}}""",
        ["tap"] = $$"""{"type":"tap","ipam":{{HostLocal}}}""",
        ["tuning"] = $$"""{"type":"tuning","sysctl":{"net.core.somaxconn":"512"},"prevResult":{{Prev}}}""",
        ["vlan"] = $$"""{"type":"vlan","master":"cbthym","vlanId":5,"ipam":{{HostLocal}}}""",
        ["vrf"] = $$"""{"type":"vrf","vrfname":"cbthyvrf","prevResult":{{Prev}}}""",
    };

    /// <summary>The applets that decode CNI_ARGS as Go's types.LoadArgs does.</summary>
    private static readonly HashSet<string> ReadsCniArgs = ["bridge", "host-local", "macvlan", "static", "tap", "tuning"];

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
        yield return Case(applet, "invalid UTF-8 in the name", Replace(good, $"\"{NetworkName}\"", [.. "\"cbthy"u8, 0xFF, 0xFE, (byte)'"']), 7);
        yield return Case(applet, "10,000 nested arrays",
            [.. withoutBrace, .. ",\"x\":"u8, .. Repeat((byte)'[', 10_000), .. Repeat((byte)']', 10_000), (byte)'}'], 6);
        yield return Case(applet, "1 MiB config cut short", [.. withoutBrace, .. ",\"x\":\""u8, .. Repeat((byte)'a', 1 << 20)], 6);
        yield return Case(applet, "a JSON array", [(byte)'[', .. good, (byte)']'], 6);
        if (!ReadsCniArgs.Contains(applet)) yield break;
        yield return Case(applet, "CNI_ARGS pair without a value", good, 999, ("CNI_ARGS", "IP"));
        yield return Case(applet, "CNI_ARGS IgnoreUnknown not a boolean", good, 999, ("CNI_ARGS", "IgnoreUnknown=maybe;IP=10.199.154.9"));
        if (applet == "tap") yield return Case(applet, "CNI_ARGS MAC invalid", good, 7, ("CNI_ARGS", "IgnoreUnknown=1;MAC=zz"));
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
            "dhcp" =>
            [
                ("no daemon on the socket", _ => { }, 999),
                ("daemonSocketPath of the wrong type", c => c["ipam"]!["daemonSocketPath"] = 5, 6),
                ("daemonSocketPath cut short by a NUL", c => c["ipam"]!["daemonSocketPath"] = "DATADIR/x\0/y", 999),
                ("request of the wrong type", c => c["ipam"]!["request"] = "x", 6),
                ("provide of the wrong type", c => c["ipam"]!["provide"] = JsonNode.Parse("""[{"option":5}]"""), 6),
                ("priority as a string", c => c["ipam"]!["priority"] = "x", 6),
            ],
            "dummy" => [("ipam of the wrong type", c => c["ipam"] = "x", 6)],
            "firewall" =>
            [
                ("unknown backend", c => c["backend"] = "bogus", 7),
                ("unknown ingressPolicy", c => c["ingressPolicy"] = "bogus", 999),
            ],
            "flannel" =>
            [
                ("subnetFile missing", c => c["subnetFile"] = "/nonexistent/cbthy/subnet.env", 999),
                ("subnetFile escaping to /etc/passwd", c => c["subnetFile"] = "SUBNETENV/../../../../../../etc/passwd", 999),
                ("subnetFile a directory", c => c["subnetFile"] = "/", 999),
                ("subnetFile /dev/zero", c => c["subnetFile"] = "/dev/zero", 999),
                ("subnetFile of the wrong type", c => c["subnetFile"] = 5, 999),
                ("dataDir a file", c => c["dataDir"] = "/etc/passwd", 999),
                ("dataDir of the wrong type", c => c["dataDir"] = new JsonArray(), 999),
                ("delegate of the wrong type", c => c["delegate"] = "bridge", 999),
                ("delegate type not a string", c => c["delegate"] = JsonNode.Parse("""{"type":5}"""), 999),
                ("delegate with a name", c => c["delegate"] = JsonNode.Parse("""{"name":"x"}"""), 999),
                ("delegate type escaping CNI_PATH", c => c["delegate"] = JsonNode.Parse("""{"type":"../../../bin/true"}"""), 7),
                ("delegate not in CNI_PATH", c => c["delegate"] = JsonNode.Parse("""{"type":"cbthy-missing"}"""), 999),
                ("dataDir cut short by a NUL", c => c["dataDir"] = "DATADIR/x\0/y", 999),
                ("subnetFile cut short by a NUL", c => c["subnetFile"] = "SUBNETENV\0x", 999),
                ("ipam routes of the wrong type", c => c["ipam"]!["routes"] = "x", 999),
            ],
            "host-device" =>
            [
                ("device of the wrong type", c => c["device"] = 5, 6),
                ("device escaping a path", c => c["device"] = "../../x", 999),
                ("no device key", c => c.Remove("device"), 7),
                ("invalid hwaddr", c => { c.Remove("device"); c["hwaddr"] = "zz:zz"; }, 7),
                ("kernelpath escaping a path", c => { c.Remove("device"); c["kernelpath"] = "/../../../../tmp/cbthy-nx"; }, 7),
                ("pciBusID escaping a path", c => { c.Remove("device"); c["pciBusID"] = "../../../../tmp/cbthy-nx"; }, 7),
                ("runtimeConfig of the wrong type", c => c["runtimeConfig"] = "x", 6),
                ("pciBusID with a NUL", c => { c.Remove("device"); c["pciBusID"] = "0000:00:1f.6\0/../../x"; }, 7),
                ("kernelpath with a NUL", c => { c.Remove("device"); c["kernelpath"] = "/sys/devices/\0"; }, 7),
            ],
            "host-local" =>
            [
                ("overlapping ranges", c => c["ipam"] = OverlappingRanges, 999),
                ("prefix /33", c => c["ipam"]!["subnet"] = "10.199.154.0/33", 999),
                ("rangeStart outside the subnet", c => c["ipam"]!["rangeStart"] = "10.199.200.1", 999),
                ("ranges of the wrong type", c => c["ipam"]!["ranges"] = "x", 6),
                ("dataDir cut short by a NUL", c => c["ipam"]!["dataDir"] = "DATADIR/x\0/y", 999),
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
            "sbr" =>
            [
                ("table -1", c => c["table"] = -1, 7),
                ("table beyond int64", c => c["table"] = JsonNode.Parse("100000000000000000000"), 6),
                ("table as a string", c => c["table"] = "100", 6),
                ("gateways of the wrong type", c => c["gateways"] = "10.199.154.1", 6),
                ("gateway not an address", c => c["gateways"] = new JsonArray("../../x"), 7),
                ("two IPv4 gateways", c => c["gateways"] = new JsonArray("10.199.154.1", "10.199.154.2"), 7),
                ("prevResult without interfaces", c => c["prevResult"] = JsonNode.Parse("""{"cniVersion":"1.0.0"}"""), 999),
            ],
            "static" =>
            [
                ("prefix /99", c => c["ipam"]!["addresses"] = JsonNode.Parse("""[{"address":"10.199.154.7/99"}]"""), 999),
                ("addresses of the wrong type", c => c["ipam"]!["addresses"] = "x", 6),
            ],
            "tap" =>
            [
                ("negative mtu", c => c["mtu"] = -1, 7),
                ("invalid mac", c => c["mac"] = "zz:zz", 7),
                ("owner -1", c => c["owner"] = -1, 6),
                ("group beyond uint32", c => c["group"] = 4294967296L, 6),
                ("multiQueue as a string", c => c["multiQueue"] = "yes", 6),
                ("runtimeConfig mac invalid", c => c["runtimeConfig"] = JsonNode.Parse("""{"mac":"zz"}"""), 7),
                ("bridge escaping a path", c => c["bridge"] = "../../x", 999),
                ("runtimeConfig of the wrong type", c => c["runtimeConfig"] = "x", 6),
            ],
            "tuning" =>
            [
                ("sysctl escaping /proc/sys", c => c["sysctl"] = new JsonObject { ["net/../../../../tmp/cbthy"] = "1" }, 999),
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
            "vrf" =>
            [
                ("no vrfname", c => c.Remove("vrfname"), 7),
                ("vrfname escaping a path", c => c["vrfname"] = "../../x", 999),
                ("vrfname of 100 bytes", c => c["vrfname"] = new string('v', 100), 999),
                ("vrfname cut short by a NUL", c => c["vrfname"] = "cbthyvrf\0x", 999),
                ("table -1", c => c["table"] = -1, 6),
                ("table beyond uint32", c => c["table"] = 4294967296L, 6),
                ("table as a string", c => c["table"] = "5", 6),
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
