using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Processes;

/// <summary>The published <c>static</c> applet exec'd as a runtime does. Static touches no netns, so none exists.</summary>
[Category("process")]
public class StaticProcessTests
{
    public const string NoNetns = "/var/run/netns/cbt-none-such";

    private static readonly string[] Versions = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    public static string Conf(string version, string extra = "") =>
        $"{{\"cniVersion\":\"{version}\",\"name\":\"mynet\",\"type\":\"ipvlan\"{extra},\"ipam\":{{\"type\":\"static\"," +
        "\"addresses\":[{\"address\":\"10.10.0.1/24\",\"gateway\":\"10.10.0.254\"},{\"address\":\"3ffe:ffff:0:01ff::1/64\",\"gateway\":\"3ffe:ffff:0::1\"}]," +
        "\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"192.168.0.0/16\",\"gw\":\"10.10.5.1\"}]," +
        "\"dns\":{\"nameservers\":[\"8.8.8.8\"],\"domain\":\"example.com\"}}}";

    private static ProcessResult Run(string command, string stdin, string args = "")
    {
        var env = PluginProcess.Env(command, netns: NoNetns, path: "/nonexistent");
        if (args != "") env["CNI_ARGS"] = args;
        return PluginProcess.Run(Binaries.Applet("static"), env, stdin);
    }

    [TestCaseSource(nameof(Versions))]
    public void AddPrintsTheResultInTheConfigVersion(string version)
    {
        var root = CniAssert.Success(Run("ADD", Conf(version)));
        Assert.That(root.GetProperty("cniVersion").GetString(), Is.EqualTo(version));
        Assert.That(root.TryGetProperty("interfaces", out _), Is.False);
        if (version is "0.1.0" or "0.2.0")
        {
            Assert.That(root.GetProperty("ip4").GetProperty("ip").GetString(), Is.EqualTo("10.10.0.1/24"));
            Assert.That(root.GetProperty("ip6").GetProperty("gateway").GetString(), Is.EqualTo("3ffe:ffff::1"));
            return;
        }
        var ips = root.GetProperty("ips").EnumerateArray().ToList();
        Assert.That(ips.Select(ip => ip.GetProperty("address").GetString()), Is.EqualTo(new[] { "10.10.0.1/24", "3ffe:ffff:0:1ff::1/64" }));
        Assert.That(ips.Select(ip => ip.GetProperty("gateway").GetString()), Is.EqualTo(new[] { "10.10.0.254", "3ffe:ffff::1" }));
        Assert.That(ips[0].TryGetProperty("version", out var v), Is.EqualTo(!version.StartsWith("1.")));
        if (!version.StartsWith("1.")) Assert.That(v.GetString(), Is.EqualTo("4"));
        Assert.That(root.GetProperty("routes").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("dns").GetProperty("domain").GetString(), Is.EqualTo("example.com"));
    }

    [Test]
    public void CniArgsRuntimeConfigAndArgsThroughTheProcess()
    {
        var root = CniAssert.Success(Run("ADD",
            "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"ipam\":{\"type\":\"static\"}}", "IP=10.1.0.2/24,10.2.0.2/16;GATEWAY=10.1.0.1"));
        Assert.That(Compact(root.GetProperty("ips")), Is.EqualTo(
            "[{\"address\":\"10.1.0.2/24\",\"gateway\":\"10.1.0.1\"},{\"address\":\"10.2.0.2/16\"}]"));
        root = CniAssert.Success(Run("ADD", Conf("1.1.0", ",\"runtimeConfig\":{\"ips\":[\"10.9.0.9/24\"]},\"args\":{\"cni\":{\"ips\":[\"10.8.0.8/24\"]}}")));
        Assert.That(Compact(root.GetProperty("ips")), Is.EqualTo("[{\"address\":\"10.9.0.9/24\"}]"));
    }

    private static string Compact(JsonElement e) => System.Text.Json.Nodes.JsonNode.Parse(e.GetRawText())!.ToJsonString();

    [TestCase("1.1.0")]
    [TestCase("0.4.0")]
    public void CheckWithTheAddResultAsPrevResultSucceeds(string version)
    {
        var add = Run("ADD", Conf(version));
        CniAssert.Success(add);
        CniAssert.SilentSuccess(Run("CHECK", Conf(version, ",\"prevResult\":" + add.Stdout)));
    }

    [Test]
    public void CheckWithAnotherGatewayFails()
    {
        const string prev = ",\"prevResult\":{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.10.0.1/24\",\"gateway\":\"10.10.0.1\"}]}";
        var msg = CniAssert.Error(Run("CHECK", Conf("1.1.0", prev)), 999);
        Assert.That(msg, Is.EqualTo("static: Failed to match addr 10.10.0.1 on interface eth0"));
        Assert.That(CniAssert.Error(Run("CHECK", Conf("1.1.0")), 999), Is.EqualTo("Required prevResult missing"));
        Assert.That(CniAssert.Error(Run("CHECK", Conf("0.3.1")), 1), Is.EqualTo("config version does not allow CHECK"));
    }

    [Test]
    public void DelIsANoOpEvenWithBadArgs()
    {
        CniAssert.SilentSuccess(Run("DEL", Conf("1.1.0")));
        CniAssert.SilentSuccess(Run("DEL", "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}", "FOO=bar"));
        var env = PluginProcess.Env("DEL", path: "/nonexistent");
        env.Remove("CNI_NETNS");
        CniAssert.SilentSuccess(PluginProcess.Run(Binaries.Applet("static"), env, Conf("0.2.0")));
    }

    [TestCase("GC")]
    [TestCase("STATUS")]
    public void GcAndStatusAt110SucceedSilently(string command)
    {
        var env = new Dictionary<string, string> { ["CNI_COMMAND"] = command, ["CNI_PATH"] = "/nonexistent" };
        var conf = Conf("1.1.0", ",\"cni.dev/valid-attachments\":[{\"containerID\":\"c\",\"ifname\":\"eth0\"}]");
        CniAssert.SilentSuccess(PluginProcess.Run(Binaries.Applet("static"), env, conf));
        Assert.That(CniAssert.Error(PluginProcess.Run(Binaries.Applet("static"), env, Conf("1.0.0")), 1),
            Is.EqualTo($"config version does not allow {command}"));
    }

    [TestCase("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}", "", 999, "IPAM config missing 'ipam' key")]
    [TestCase("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"type\":\"static\"}}", "FOO=1", 999, "ARGS: unknown args [\"FOO=1\"]")]
    [TestCase("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"type\":\"static\"}}", "IP=10.0.0.1", 999, "the 'ip' field is expected to be in CIDR notation, got: '10.0.0.1'")]
    [TestCase("{\"cniVersion\":\"0.2.0\",\"name\":\"n\",\"ipam\":{\"type\":\"static\"}}", "IP=10.0.0.1/8,10.0.0.2/8", 999, "CNI version 0.2.0 does not support more than 1 address per family")]
    [TestCase("{\"cniVersion\":\"0.2.0\",\"name\":\"n\",\"ipam\":{\"type\":\"static\"}}", "", 999, "cannot convert: no valid IP addresses")]
    [TestCase("{\"cniVersion\":\"1.0.0\",\"ipam\":{\"type\":\"static\"}}", "", 7, "missing network name")]
    [TestCase("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":", "", 6, null)]
    [TestCase("{\"cniVersion\":\"9.9.9\",\"name\":\"n\",\"ipam\":{\"type\":\"static\"}}", "", 1, "incompatible CNI versions")]
    public void BadInputGetsItsCode(string conf, string args, int code, string? msg)
    {
        var text = CniAssert.Error(Run("ADD", conf, args), code);
        if (msg is not null) Assert.That(text, Is.EqualTo(msg));
    }

    [Test]
    public void ListedAsAnIpamApplet()
    {
        var result = PluginProcess.Run(Binaries.Cnibox, new(), args: ["--list"]);
        Assert.That(result.Stdout.Split('\n'), Does.Contain("static"));
        Assert.That(File.Exists(Binaries.Applet("static")));
    }
}
