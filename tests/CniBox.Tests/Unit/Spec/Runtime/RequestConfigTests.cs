using System.Text;
using System.Text.Json;
using CniBox.Spec.Results;
using CniBox.Spec.Runtime;
using CniBox.Spec.Config;

namespace CniBox.Tests.Unit.Spec.Runtime;

/// <summary>The plugin stdin libcni builds (buildOneConfig), byte for byte.</summary>
public class RequestConfigTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static Dictionary<string, JsonElement> Caps(string json) =>
        Json(json).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    private static string Build(string plugin, string? prev = null, string? caps = null, string version = "1.0.0") =>
        Encoding.UTF8.GetString(RequestConfig.Build(Json(plugin), "net", version, prev, caps is null ? null : Caps(caps)));

    [Test]
    public void NameAndVersionComeFromTheListAndKeysAreSorted() =>
        Assert.That(Build("""{"type":"bridge","name":"other","cniVersion":"0.3.1","bridge":"cni0","ipam":{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/16"}]]},"mtu":1500.0}"""),
            Is.EqualTo("""{"bridge":"cni0","cniVersion":"1.0.0","ipam":{"ranges":[[{"subnet":"10.1.0.0/16"}]],"type":"host-local"},"mtu":1500,"name":"net","type":"bridge"}"""));

    [Test]
    public void RuntimeConfigHoldsOnlyDeclaredCapabilitiesAndReplacesTheOldOne() =>
        Assert.That(Build("""{"type":"portmap","capabilities":{"portMappings":true,"mac":false},"runtimeConfig":{"old":1}}""",
                caps: """{"portMappings":[{"protocol":"tcp","hostPort":8080,"containerPort":80}],"mac":"aa:bb:cc:dd:ee:ff","ips":["10.0.0.5"]}"""),
            Is.EqualTo("""{"capabilities":{"mac":false,"portMappings":true},"cniVersion":"1.0.0","name":"net","runtimeConfig":{"portMappings":[{"containerPort":80,"hostPort":8080,"protocol":"tcp"}]},"type":"portmap"}"""));

    [Test]
    public void WithoutAMatchingCapabilityTheConfigKeepsItsRuntimeConfig() =>
        Assert.That(Build("""{"type":"tuning","capabilities":{"mac":true},"runtimeConfig":{"old":1}}""", caps: """{"ips":["10.0.0.5"]}"""),
            Is.EqualTo("""{"capabilities":{"mac":true},"cniVersion":"1.0.0","name":"net","runtimeConfig":{"old":1},"type":"tuning"}"""));

    [Test]
    public void PrevResultIsPlacedAsTheTypedResultMarshals()
    {
        var prev = CniResult.Parse("""{"cniVersion":"0.4.0","ips":[{"address":"10.1.0.5/24","version":"4","gateway":"10.1.0.1"}]}"""u8);
        var prevJson = prev.ToJson(prev.CniVersion, indented: false);
        // A 0.4.0 result marshals in struct order (version before address, dns always present).
        Assert.That(Build("""{"type":"firewall"}""", prevJson, version: "0.4.0"),
            Is.EqualTo("""{"cniVersion":"0.4.0","name":"net","prevResult":{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.1.0.5/24","gateway":"10.1.0.1"}],"dns":{}},"type":"firewall"}"""));
        // injectRuntimeConfig sends everything through a Go map a second time, prevResult included.
        Assert.That(Build("""{"type":"portmap","capabilities":{"portMappings":true}}""", prevJson, """{"portMappings":[]}""", "0.4.0"),
            Is.EqualTo("""{"capabilities":{"portMappings":true},"cniVersion":"0.4.0","name":"net","prevResult":{"cniVersion":"0.4.0","dns":{},"ips":[{"address":"10.1.0.5/24","gateway":"10.1.0.1","version":"4"}]},"runtimeConfig":{"portMappings":[]},"type":"portmap"}"""));
    }

    [Test]
    public void GcGetsTheValidAttachmentsUnderBothKeys() =>
        Assert.That(Encoding.UTF8.GetString(RequestConfig.BuildForList(Json("""{"type":"bridge","capabilities":{"ips":true}}"""), "net", "1.1.0",
                [new Attachment("c1", "eth0")])),
            Is.EqualTo("""{"capabilities":{"ips":true},"cni.dev/attachments":[{"containerID":"c1","ifname":"eth0"}],"cni.dev/valid-attachments":[{"containerID":"c1","ifname":"eth0"}],"cniVersion":"1.1.0","name":"net","type":"bridge"}"""));

    [Test]
    public void StatusGetsOnlyNameAndVersion() =>
        Assert.That(Encoding.UTF8.GetString(RequestConfig.BuildForList(Json("""{"type":"bridge"}"""), "net", "1.1.0")),
            Is.EqualTo("""{"cniVersion":"1.1.0","name":"net","type":"bridge"}"""));

    [TestCase("""{"type":"bridge"}""", "type=\"bridge\"")]
    [TestCase("""{"Type":"tuning","name":"t1"}""", "type=\"tuning\" name=\"t1\"")]
    public void PluginDescriptionAsLibcni(string plugin, string expected) =>
        Assert.That(PluginHeader.Of(Json(plugin)).Description, Is.EqualTo(expected));
}
