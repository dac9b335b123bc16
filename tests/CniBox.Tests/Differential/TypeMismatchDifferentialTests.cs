using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Differential;

/// <summary>
/// A value of the wrong JSON type anywhere in a config, through Debian's Go plugins (1.1.1) and ours: the same
/// message, always code 6 (decoding failure). Go's skel gives 6 for its own fields (name, cniVersion); a plugin's
/// own decoding error reaches the runtime as 999 there, which we deliberately report as the decoding failure it is.
/// Every config fails while decoding, so no namespace is touched (CNI_NETNS does not exist).
/// </summary>
[Category("differential")]
public class TypeMismatchDifferentialTests
{
    private const string Head = "\"cniVersion\":\"1.0.0\",\"name\":\"cbt-net\"";

    private static readonly string[] Skel =
    [
        "{\"cniVersion\":\"1.0.0\",\"name\":5}", "{\"cniVersion\":1,\"name\":\"n\"}", "{\"name\":[\"n\"]}", "[1]", "5", "\"x\"",
    ];

    private static readonly string[] NetConf =
    [
        "\"type\":5", "\"capabilities\":5", "\"capabilities\":{\"portMappings\":1}", "\"ipam\":5", "\"ipam\":{\"type\":5}",
        "\"dns\":5", "\"dns\":{\"nameservers\":\"a\"}", "\"dns\":{\"domain\":1}", "\"prevResult\":5", "\"prevResult\":[]",
    ];

    private static readonly string[] Bridge =
    [
        "\"bridge\":5", "\"isGateway\":\"x\"", "\"isDefaultGateway\":1", "\"forceAddress\":1", "\"ipMasq\":1", "\"mtu\":\"x\"",
        "\"mtu\":1.5", "\"hairpinMode\":1", "\"promiscMode\":1", "\"vlan\":\"x\"", "\"macspoofchk\":1", "\"enabledad\":1",
        "\"args\":5", "\"args\":{\"cni\":5}", "\"args\":{\"cni\":{\"mac\":5}}", "\"runtimeConfig\":5", "\"runtimeConfig\":{\"mac\":5}",
    ];

    private static readonly string[] Ptp = ["\"mtu\":\"x\"", "\"ipMasq\":\"yes\""];

    private static readonly string[] HostLocal =
    [
        "\"ipam\":5", "\"ipam\":{\"type\":\"host-local\",\"ranges\":5}", "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":5}]]}",
        "\"ipam\":{\"type\":\"host-local\",\"routes\":[{\"dst\":5}]}", "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.199.60.0/24\",\"gateway\":5}",
        "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.199.60.0/24\",\"dataDir\":5}",
    ];

    private static readonly string[] Static =
    [
        "\"ipam\":5", "\"ipam\":{\"type\":\"static\",\"addresses\":5}", "\"ipam\":{\"type\":\"static\",\"addresses\":[{\"address\":5}]}",
        "\"ipam\":{\"type\":\"static\",\"addresses\":[{\"address\":\"10.199.60.2/24\",\"gateway\":5}]}", "\"ipam\":{\"type\":\"static\",\"routes\":5}",
    ];

    public static IEnumerable<TestCaseData> Cases()
    {
        string Obj(string field) => "{" + Head + "," + field + "}";
        var byApplet = new Dictionary<string, IEnumerable<string>>
        {
            ["bridge"] = Skel.Concat(NetConf.Concat(Bridge).Select(Obj)),
            ["ptp"] = Skel.Concat(NetConf.Concat(Ptp).Select(Obj)),
            ["loopback"] = Skel.Concat(NetConf.Select(Obj)),
            ["host-local"] = Skel.Concat(HostLocal.Select(Obj)),
            ["static"] = Skel.Concat(Static.Select(Obj)),
        };
        foreach (var (applet, configs) in byApplet)
            foreach (var conf in configs)
                yield return new TestCaseData(applet, conf).SetName($"{applet}: {conf}");
    }

    private static (int Code, string Msg) Error(string plugin, string conf)
    {
        var env = PluginProcess.Env("ADD", netns: "/var/run/netns/cbt-none");
        var result = PluginProcess.Run(plugin, env, conf);
        Assert.That(result.ExitCode, Is.EqualTo(1), $"{plugin}: {result.Stdout}");
        using var doc = JsonDocument.Parse(result.Stdout);
        return (doc.RootElement.GetProperty("code").GetInt32(), doc.RootElement.GetProperty("msg").GetString()!);
    }

    [TestCaseSource(nameof(Cases))]
    public void AWrongJsonTypeIsCode6WithGosMessage(string applet, string conf)
    {
        Binaries.RequireGoPlugin(applet);
        var go = Error(Binaries.GoPlugin(applet), conf);
        var ours = Error(Binaries.Applet(applet), conf);
        Assert.That(go.Code, Is.AnyOf(6, 999), go.Msg);
        Assert.That(go.Msg, Does.Contain("json: cannot unmarshal"), "Go fails while decoding");
        Assert.That(ours, Is.EqualTo((6, go.Msg)));
    }
}
