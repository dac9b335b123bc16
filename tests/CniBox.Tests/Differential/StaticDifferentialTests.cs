using System.Text.Json;
using System.Text.Json.Nodes;
using CniBox.Tests.Processes;
using CniBox.Tests.Support;

namespace CniBox.Tests.Differential;

/// <summary>
/// The same calls through Debian's Go static (/usr/lib/cni, plugins 1.1.1 on cni 1.1.2) and ours. Static needs
/// no netns and no root. Known, deliberate differences are asserted explicitly below, each with its reason.
/// </summary>
[Category("differential")]
public class StaticDifferentialTests
{
    private static readonly string[] GoVersions = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0"];

    [SetUp]
    public void RequireGo() => Binaries.RequireGoPlugin("static");

    private static ProcessResult Run(string plugin, string command, string conf, string args = "")
    {
        var env = PluginProcess.Env(command, netns: StaticProcessTests.NoNetns, path: "/nonexistent");
        if (args != "") env["CNI_ARGS"] = args;
        return PluginProcess.Run(plugin, env, conf);
    }

    private static (ProcessResult Go, ProcessResult Ours) Both(string command, string conf, string args = "") =>
        (Run(Binaries.GoPlugin("static"), command, conf, args), Run(Binaries.Applet("static"), command, conf, args));

    private static string Conf(string version, string ipam, string extra = "") =>
        $"{{\"cniVersion\":\"{version}\",\"name\":\"mynet\",\"type\":\"bridge\"{extra},\"ipam\":{{\"type\":\"static\"{(ipam == "" ? "" : "," + ipam)}}}}}";

    /// <summary>Configs that must give the same result in every version Debian speaks: (name, ipam, top-level extra, CNI_ARGS).</summary>
    private static readonly (string Name, string Ipam, string Extra, string Args)[] Configs =
    [
        ("V4", "\"addresses\":[{\"address\":\"10.10.0.1/24\",\"gateway\":\"10.10.0.254\"}]", "", ""),
        ("V6", "\"addresses\":[{\"address\":\"3ffe:ffff:0:01ff::1/64\",\"gateway\":\"3ffe:ffff:0::1\"}]", "", ""),
        ("DualStackRoutesDns",
            "\"addresses\":[{\"address\":\"10.10.0.1/24\",\"gateway\":\"10.10.0.254\"},{\"address\":\"3ffe:ffff:0:01ff::1/64\"}]," +
            "\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"192.168.0.0/16\",\"gw\":\"10.10.5.1\"},{\"dst\":\"3ffe:ffff:0:01ff::1/64\",\"gw\":\"3ffe:ffff:0::1\"},{\"gw\":\"1.2.3.4\"}]," +
            "\"dns\":{\"nameservers\":[\"8.8.8.8\",\"2001:4860:4860::8888\"],\"domain\":\"example.com\",\"search\":[\"example.com\",\"b\"],\"options\":[\"ndots:2\"]}",
            ",\"dns\":{\"nameservers\":[\"9.9.9.9\"]}", ""),
        ("MappedV4", "\"addresses\":[{\"address\":\"::ffff:10.0.0.1/120\",\"gateway\":\"::ffff:10.0.0.9\"}]", "", ""),
        ("CniArgs", "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]", "", "IP=10.10.0.1/24;GATEWAY=10.10.0.254"),
        ("CniArgsDual", "", "", "IP= 10.1.0.2/24 , 2001:db8::2/64;GATEWAY=2001:db8::1, 10.1.0.1"),
        ("CniArgsGatewayMissesConfigAddresses", "\"addresses\":[{\"address\":\"10.0.0.1/24\"}]", "", "IP=2001:db8::2/64;GATEWAY=10.0.0.9,2001:db8::1"),
        ("IgnoreUnknown", "", "", "IgnoreUnknown=true;K8S_POD_NAME=x;IP=10.1.0.2/24"),
        ("ArgsCniIps", "\"addresses\":[{\"address\":\"10.0.0.1/24\",\"gateway\":\"10.0.0.254\"}]", ",\"args\":{\"cni\":{\"ips\":[\"10.10.0.2/24\",\"3ffe:ffff:0:01ff::2/64\"]}}", "IP=10.3.0.1/24"),
        ("RuntimeConfigIps", "\"addresses\":[{\"address\":\"10.0.0.1/24\"}]",
            ",\"RuntimeConfig\":{\"ips\":[\"10.10.0.1/24\",\"3ffe:ffff:0:01ff::1/64\"]},\"args\":{\"cni\":{\"ips\":[\"10.10.0.2/24\"]}}", "IP=10.3.0.1/24"),
        ("FoldedKeys", "\"ADDRESSES\":[{\"Address \":1,\"ADDRESS\":\"10.0.0.1/24\",\"GateWay\":\"10.0.0.2\",\"version\":\"6\"}],\"Dns\":{\"Domain\":\"d\"}", "", ""),
    ];

    public static IEnumerable<TestCaseData> AddCases()
    {
        foreach (var c in Configs)
            foreach (var v in GoVersions)
                yield return new TestCaseData(v, c.Ipam, c.Extra, c.Args).SetName($"Add_{c.Name}_{v}");
    }

    [TestCaseSource(nameof(AddCases))]
    public void AddGivesTheSameResultOrError(string version, string ipam, string extra, string args)
    {
        var (go, ours) = Both("ADD", Conf(version, ipam, extra), args);
        Assert.That(ours.ExitCode, Is.EqualTo(go.ExitCode), $"go: {go.Stdout}\nours: {ours.Stdout}");
        if (go.ExitCode != 0)
        {
            // Several addresses of a family before 0.3.0: both refuse with the same code and text.
            Assert.That(CodeAndMsg(ours.Stdout), Is.EqualTo(GoCodeAndMsg(go.Stdout)));
            return;
        }
        if (version.StartsWith("1."))
        {
            // cni 1.1.2 prints 1.x results in struct order with "dns": {}; cni >= 1.2 (the current reference)
            // sorts keys and omits an empty dns. We print the current form, so compare as JSON minus empty dns.
            Assert.That(CniJson.Canonical(ours.Stdout), Is.EqualTo(CniJson.Canonical(go.Stdout)));
        }
        else
        {
            // Go's static builds a 1.0.0 result and converts it, so 0.x output is byte-identical.
            Assert.That(ours.Stdout, Is.EqualTo(go.Stdout));
        }
    }

    public static IEnumerable<TestCaseData> BadInputs()
    {
        TestCaseData Case(string name, string conf, string args = "") => new TestCaseData(conf, args).SetName("Bad_" + name);
        yield return Case("NoIpam", "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"runtimeConfig\":{\"ips\":[\"10.0.0.1/24\"]}}");
        yield return Case("NullIpam", "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":null}", "IP=10.0.0.1/24");
        yield return Case("AddressNotCidr", Conf("1.0.0", "\"addresses\":[{\"address\":\"10.10.0.1\"}]"));
        yield return Case("AddressNull", Conf("1.0.0", "\"addresses\":[null]"));
        yield return Case("AddressPrefix33", Conf("0.4.0", "\"addresses\":[{\"address\":\"10.0.0.1/33\"}]"));
        yield return Case("CniArgsIpNotCidr", Conf("1.0.0", ""), "IP=10.10.0.1/24, 10.0.0.300/8 ");
        yield return Case("CniArgsBadGateway", Conf("1.0.0", ""), "IP=10.10.0.1/24;GATEWAY=10.10.0.1, nope");
        yield return Case("CniArgsUnknownKey", Conf("1.0.0", ""), "FOO=bar;IP=10.0.0.1/24");
        yield return Case("CniArgsLowercaseKey", Conf("1.0.0", ""), "ip=10.0.0.1/24");
        yield return Case("CniArgsBadPair", Conf("1.0.0", ""), "IP");
        yield return Case("ArgsIpsNotCidr", Conf("1.0.0", "", ",\"args\":{\"cni\":{\"ips\":[\"10.0.0.1\"]}}"));
        yield return Case("RuntimeIpsNotTrimmed", Conf("1.0.0", "", ",\"runtimeConfig\":{\"ips\":[\" 10.0.0.1/24\"]}"));
        yield return Case("TwoV4At020", Conf("0.2.0", "\"addresses\":[{\"address\":\"10.0.0.1/24\"}]"), "IP=10.1.0.1/24");
        yield return Case("TwoV6At010", Conf("0.1.0", "", ",\"runtimeConfig\":{\"ips\":[\"2001:db8::1/64\",\"2001:db8::2/64\"]}"));
        yield return Case("NothingAt020", Conf("0.2.0", ""));
        yield return Case("GatewayBad", Conf("1.0.0", "\"addresses\":[{\"address\":\"10.0.0.1/24\",\"gateway\":\"10.0.0.256\"}]"));
        yield return Case("GatewayType", Conf("1.0.0", "\"addresses\":[{\"address\":\"10.0.0.1/24\",\"gateway\":5}]"));
        yield return Case("ExactAddressKey", Conf("1.0.0", "\"addresses\":[{\"Address\":\"10.0.0.1/24\"}]"));
        yield return Case("AddressesNotArray", Conf("1.0.0", "\"addresses\":{}"));
        yield return Case("AddressNotObject", Conf("1.0.0", "\"addresses\":[true]"));
        yield return Case("RouteDstType", Conf("1.0.0", "\"routes\":[{\"dst\":5}]"));
        yield return Case("RouteDstNotCidr", Conf("1.0.0", "\"routes\":[{\"dst\":\"0.0.0.0\"}]"));
        yield return Case("RouteGwBad", Conf("1.0.0", "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"x\"}]"));
        yield return Case("RouteNotObject", Conf("1.0.0", "\"routes\":[\"x\"]"));
        yield return Case("RoutesNotArray", Conf("1.0.0", "\"routes\":{}"));
        yield return Case("DnsType", Conf("1.0.0", "\"dns\":{\"search\":\"x\"}"));
        yield return Case("RuntimeConfigType", Conf("1.0.0", "", ",\"runtimeConfig\":[]"));
        yield return Case("RuntimeIpsType", Conf("1.0.0", "", ",\"runtimeConfig\":{\"ips\":\"x\"}"));
        yield return Case("ArgsCniType", Conf("1.0.0", "", ",\"args\":{\"cni\":5}"));
        yield return Case("ArgsIpsType", Conf("1.0.0", "", ",\"args\":{\"cni\":{\"ips\":{}}}"));
        yield return Case("IpamType", "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":\"static\"}");
        yield return Case("MissingName", "{\"cniVersion\":\"1.0.0\",\"ipam\":{\"type\":\"static\"}}");
        yield return Case("UnknownVersion", Conf("9.9.9", ""));
    }

    [TestCaseSource(nameof(BadInputs))]
    public void BadAddGetsTheSameCodeAndMessage(string conf, string args)
    {
        var (go, ours) = Both("ADD", conf, args);
        Assert.That(go.ExitCode, Is.EqualTo(1), go.Stdout);
        Assert.That(ours.ExitCode, Is.EqualTo(1), ours.Stdout);
        Assert.That(CodeAndMsg(ours.Stdout), Is.EqualTo(GoCodeAndMsg(go.Stdout)));
    }

    private const string CheckIpam = "\"addresses\":[{\"address\":\"10.10.0.1/24\",\"gateway\":\"10.10.0.254\"},{\"address\":\"2001:db8::1/64\"}]";

    public static IEnumerable<TestCaseData> CheckCases()
    {
        foreach (var v in new[] { "0.4.0", "1.0.0" })
        {
            var ips = v == "0.4.0" ? "{\"version\":\"4\",\"address\":\"10.10.0.1/24\",\"gateway\":GW}" : "{\"address\":\"10.10.0.1/24\",\"gateway\":GW}";
            string Prev(string gw) => $",\"prevResult\":{{\"cniVersion\":\"{v}\",\"ips\":[{ips.Replace("GW", gw)}]}}";
            yield return new TestCaseData(v, Prev("\"10.10.0.254\""), "").SetName($"Check_Matches_{v}");
            yield return new TestCaseData(v, Prev("\"10.10.0.1\""), "").SetName($"Check_OtherGateway_{v}");
            yield return new TestCaseData(v, Prev("null"), "").SetName($"Check_NoGateway_{v}");
            yield return new TestCaseData(v, $",\"prevResult\":{{\"cniVersion\":\"{v}\",\"ips\":[]}}", "").SetName($"Check_MissingIpIsFine_{v}");
            yield return new TestCaseData(v, "", "").SetName($"Check_NoPrevResult_{v}");
            yield return new TestCaseData(v, ",\"prevResult\":5", "").SetName($"Check_PrevResultNumber_{v}");
            yield return new TestCaseData(v, Prev("\"10.10.0.254\""), "FOO=1").SetName($"Check_UnknownArg_{v}");
            yield return new TestCaseData(v, Prev("\"10.10.0.254\""), "IP=10.10.0.1/24;GATEWAY=10.10.0.7").SetName($"Check_CniArgsGateway_{v}");
        }
    }

    [TestCaseSource(nameof(CheckCases))]
    public void CheckAgreesWithGo(string version, string prevResult, string args)
    {
        var (go, ours) = Both("CHECK", Conf(version, CheckIpam, prevResult), args);
        Assert.That(ours.ExitCode, Is.EqualTo(go.ExitCode), $"go: {go.Stdout}\nours: {ours.Stdout}");
        if (go.ExitCode == 0) Assert.That(ours.Stdout, Is.EqualTo(go.Stdout));
        else Assert.That(CodeAndMsg(ours.Stdout), Is.EqualTo(GoCodeAndMsg(go.Stdout)));
    }

    [TestCase("", "")]
    [TestCase("FOO=1", "")]
    [TestCase("", "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"type\":\"static\",\"addresses\":[{\"address\":\"bad\"}]}}")]
    public void DelIsASilentNoOpInBoth(string args, string conf)
    {
        var (go, ours) = Both("DEL", conf == "" ? Conf("1.0.0", CheckIpam) : conf, args);
        CniAssert.SilentSuccess(go);
        CniAssert.SilentSuccess(ours);
    }

    [Test]
    public void DeliberateDifferences()
    {
        // Route mtu/advmss/priority/table/scope: cni 1.1.2's types.Route has only dst and gw, so Debian drops them;
        // the current cni (1.3, spec 1.1.0) keeps them, and so do we.
        var conf = Conf("1.0.0", "\"routes\":[{\"dst\":\"10.0.0.0/8\",\"mtu\":1400,\"table\":100}]");
        var (go, ours) = Both("ADD", conf);
        Assert.That(JsonNode.Parse(go.Stdout)!["routes"]!.ToJsonString(), Is.EqualTo("[{\"dst\":\"10.0.0.0/8\"}]"));
        Assert.That(JsonNode.Parse(ours.Stdout)!["routes"]!.ToJsonString(), Is.EqualTo("[{\"dst\":\"10.0.0.0/8\",\"mtu\":1400,\"table\":100}]"));

        // A null route: Go keeps a nil *Route and prints "routes":[null], a result no runtime can apply; we drop it.
        (go, ours) = Both("ADD", Conf("1.0.0", "\"routes\":[null,{\"dst\":\"10.0.0.0/8\"}]"));
        Assert.That(JsonNode.Parse(go.Stdout)!["routes"]!.ToJsonString(), Is.EqualTo("[null,{\"dst\":\"10.0.0.0/8\"}]"));
        Assert.That(JsonNode.Parse(ours.Stdout)!["routes"]!.ToJsonString(), Is.EqualTo("[{\"dst\":\"10.0.0.0/8\"}]"));

        // A bad IgnoreUnknown: current cni's LoadArgs text ends in a stray ")" (shared CniArgs follows it); cni 1.1.2's does not.
        (go, ours) = Both("ADD", Conf("1.0.0", ""), "IgnoreUnknown=yes");
        const string badPair = "ARGS: error parsing value of pair \"IgnoreUnknown=yes\": boolean unmarshal error: invalid input yes";
        Assert.That(CodeAndMsg(go.Stdout), Is.EqualTo((999, badPair)));
        Assert.That(CodeAndMsg(ours.Stdout), Is.EqualTo((999, badPair + ")")));

        // The exact key "Address" is Go's untagged net.IPNet field of static's Address struct: {"IP":..,"Mask":<base64>}
        // sets the address directly. That is an accident of Go's struct, not a documented key; we check its type
        // only, so such an entry reads as an empty "address" and fails.
        (go, ours) = Both("ADD", Conf("1.0.0", "\"addresses\":[{\"Address\":{\"IP\":\"10.0.0.1\",\"Mask\":\"////AA==\"}}]"));
        Assert.That(JsonNode.Parse(go.Stdout)!["ips"]!.ToJsonString(), Is.EqualTo("[{\"address\":\"10.0.0.1/24\"}]"));
        Assert.That(CodeAndMsg(ours.Stdout), Is.EqualTo((999, "the 'address' field is expected to be in CIDR notation, got: ''")));

        // Spec 1.1.0: Debian's library stops at 1.0.0; we answer ADD, and GC/STATUS as successful no-ops.
        (go, ours) = Both("ADD", Conf("1.1.0", CheckIpam));
        Assert.That(CodeAndMsg(go.Stdout).Code, Is.EqualTo(1));
        Assert.That(JsonNode.Parse(ours.Stdout)!["cniVersion"]!.GetValue<string>(), Is.EqualTo("1.1.0"));
    }

    /// <summary>Go's error with the code we deliberately give it (<see cref="KnownDifferences.ExpectedCode"/>).</summary>
    private static (int Code, string Msg) GoCodeAndMsg(string stdout)
    {
        var (code, msg) = CodeAndMsg(stdout);
        return (KnownDifferences.ExpectedCode(code, msg), msg);
    }

    private static (int Code, string Msg) CodeAndMsg(string stdout)
    {
        using var doc = JsonDocument.Parse(stdout);
        return (doc.RootElement.GetProperty("code").GetInt32(), doc.RootElement.GetProperty("msg").GetString()!);
    }
}
