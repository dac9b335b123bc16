using System.Text;
using CniBox.Spec;
using CniBox.Spec.Config;

namespace CniBox.Tests.Unit.Spec.Config;

public class NetConfTests
{
    private static NetConf Parse(string json) => NetConf.Parse(Encoding.UTF8.GetBytes(json));

    [Test]
    public void ReadsWellKnownKeysAndKeepsTheRest()
    {
        const string json = """
            {"cniVersion":"1.1.0","name":"dbnet","type":"bridge","bridge":"cni0","capabilities":{"mac":true},
             "ipam":{"type":"host-local","subnet":"10.1.0.0/16"},"dns":{"nameservers":["10.1.0.1"]},
             "args":{"cni":{"ips":["10.1.0.9"]}},"runtimeConfig":{"mac":"00:11:22:33:44:66"}}
            """;
        var c = Parse(json);
        Assert.That((c.CniVersion, c.Name, c.Type), Is.EqualTo(("1.1.0", "dbnet", "bridge")));
        Assert.That(c.Capabilities!["mac"], Is.True);
        Assert.That(c.Ipam!.Type, Is.EqualTo("host-local"));
        Assert.That(c.IpamRaw!.Value.GetProperty("subnet").GetString(), Is.EqualTo("10.1.0.0/16"));
        Assert.That(c.Dns!.Nameservers, Is.EqualTo(new[] { "10.1.0.1" }));
        Assert.That(c.Args!.Value.GetProperty("cni").GetProperty("ips")[0].GetString(), Is.EqualTo("10.1.0.9"));
        Assert.That(c.RuntimeConfig!.Value.GetProperty("mac").GetString(), Is.EqualTo("00:11:22:33:44:66"));
        Assert.That(c.Extra!["bridge"].GetString(), Is.EqualTo("cni0"));
        Assert.That(Encoding.UTF8.GetString(c.Raw), Is.EqualTo(json));
        Assert.That(c.PrevResult, Is.Null);
    }

    [Test]
    public void KeysMatchCaseInsensitively() =>
        Assert.That(Parse("""{"CNIVersion":"0.4.0","Name":"n","IPAM":{"Type":"static"}}""").Ipam!.Type, Is.EqualTo("static"));

    [TestCase("not json")]
    [TestCase("")]
    [TestCase("""{"cniVersion":1,"name":"n"}""")]
    [TestCase("""{"name":"n","capabilities":{"mac":"yes"}}""")]
    [TestCase("""{"name":"n","ipam":5}""")]
    [TestCase("[]")]
    public void UndecodableConfigIsCode6(string json)
    {
        var e = Assert.Throws<CniException>(() => Parse(json));
        Assert.That(e!.Code, Is.EqualTo(ErrorCode.DecodingFailure));
        Assert.That(e.Msg, Does.StartWith("error unmarshall network config: "));
    }

    [Test]
    public void NullIsAnEmptyConfig() => Assert.That(Parse("null").Name, Is.Null);

    [TestCase(null, "missing network name", null)]
    [TestCase("", "missing network name", null)]
    [TestCase("_x", "invalid characters found in network name", "_x")]
    [TestCase("a/b", "invalid characters found in network name", "a/b")]
    [TestCase("abc\n", "invalid characters found in network name", "abc\n")]
    public void BadNamesAreCode7(string? name, string msg, string? details)
    {
        var e = Assert.Throws<CniException>(() => NetConf.ValidateName(name));
        Assert.That((e!.Code, e.Msg, e.Details), Is.EqualTo((ErrorCode.InvalidNetworkConfig, msg, details)));
    }

    [TestCase("a")]
    [TestCase("my-net_1.0")]
    [TestCase("0net")]
    public void GoodNamesPass(string name) => Assert.DoesNotThrow(() => NetConf.ValidateName(name));
}
