using System.Text;
using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Results;

namespace CniBox.Tests.Unit.Spec.Results;

public class ResultParseTests
{
    private static CniResult Parse(string json, string? defaultVersion = null) => CniResult.Parse(Encoding.UTF8.GetBytes(json), defaultVersion);

    private const string Old020 = """
        {"cniVersion":"0.2.0",
         "ip4":{"ip":"10.1.0.5/16","gateway":"10.1.0.1","routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"}]},
         "ip6":{"ip":"2001:db8::5/64","routes":[{"dst":"::/0"}]},
         "dns":{"nameservers":["10.1.0.1"]}}
        """;

    [Test]
    public void ZeroTwoBecomesIpsIp4FirstWithRoutesConcatenated()
    {
        var r = Parse(Old020);
        Assert.That(r.CniVersion, Is.EqualTo("0.2.0"));
        Assert.That(r.Ips.Select(i => i.Address), Is.EqualTo(new[] { "10.1.0.5/16", "2001:db8::5/64" }));
        Assert.That(r.Ips[0].Gateway, Is.EqualTo("10.1.0.1"));
        Assert.That(r.Ips[0].Interface, Is.Null);
        Assert.That(r.Routes.Select(x => x.Dst), Is.EqualTo(new[] { "0.0.0.0/0", "::/0" }));
        Assert.That(r.Interfaces, Is.Empty);
    }

    [Test]
    public void ZeroTwoRoundTripsThroughOneOneZero()
    {
        var expected = """{"cniVersion":"0.2.0","ip4":{"ip":"10.1.0.5/16","gateway":"10.1.0.1","routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"}]},"ip6":{"ip":"2001:db8::5/64","routes":[{"dst":"::/0"}]},"dns":{"nameservers":["10.1.0.1"]}}""";
        var as11 = Parse(Old020).ToJson("1.1.0");
        Assert.That(Parse(as11).ToJson("0.2.0", indented: false), Is.EqualTo(expected));
    }

    [Test]
    public void OneXDropsIpVersionZeroXPrintsItFromTheAddress()
    {
        var r = Parse("""{"cniVersion":"0.4.0","ips":[{"version":"4","address":"2001:db8::1/64"}]}""");
        Assert.That(r.ToJson("1.0.0"), Does.Not.Contain("\"version\""));
        Assert.That(r.ToJson("0.3.1", indented: false), Does.Contain("""{"version":"6","address":"2001:db8::1/64"}"""));
    }

    [Test]
    public void OneOneToZeroFourKeepsRouteExtrasAndDropsInterfaceExtras()
    {
        var json = ResultGolden.DualStack().ToJson("0.4.0");
        Assert.That(json, Does.Contain("\"advmss\": 1360").And.Contain("\"priority\": 100").And.Contain("\"scope\": 253"));
        Assert.That(json, Does.Not.Contain("socketPath").And.Not.Contain("pciID").And.Not.Contain("1450"));
    }

    [Test]
    public void WithoutCniVersionTheDefaultApplies()
    {
        Assert.That(Parse("""{"ip4":{"ip":"10.0.0.2/24"}}""").CniVersion, Is.EqualTo("0.1.0"));
        var r = Parse("""{"ips":[{"address":"10.0.0.2/24"}]}""", "1.0.0");
        Assert.That(r.CniVersion, Is.EqualTo("1.0.0"));
        Assert.That(r.Ips.Single().Address, Is.EqualTo("10.0.0.2/24"));
    }

    [Test]
    public void UnsupportedVersion()
    {
        var e = Assert.Throws<CniException>(() => Parse("""{"cniVersion":"2.0.0"}"""));
        Assert.That(e!.Msg, Is.EqualTo("unsupported CNI result version \"2.0.0\""));
    }

    [TestCase("""{"cniVersion":1}""")]
    [TestCase("""{"cniVersion":"1.1.0","ips":[{"address":5}]}""")]
    [TestCase("""{"cniVersion":"1.1.0","interfaces":[{"name":"a","mtu":"1500"}]}""")]
    [TestCase("""{"cniVersion":"1.1.0","routes":[{"dst":"0.0.0.0/0","table":1.5}]}""")]
    [TestCase("""{"cniVersion":"1.1.0","dns":{"nameservers":"x"}}""")]
    [TestCase("""{"cniVersion":"1.1.0","ips":[{"address":"10.0.0.1"}]}""")]
    [TestCase("""{"cniVersion":"1.1.0","ips":[{"address":"10.0.0.01/8"}]}""")]
    [TestCase("""{"cniVersion":"1.1.0","ips":[{"address":"10.0.0.1/33"}]}""")]
    [TestCase("""{"cniVersion":"1.1.0","ips":[{"address":"10.0.0.1/24","gateway":"10.0.0"}]}""")]
    [TestCase("""{"cniVersion":"1.1.0","ips":[{"address":"fe80::1%eth0/64"}]}""")]
    [TestCase("not json")]
    public void BadShapesAreDecodingFailures(string json)
    {
        var e = Assert.Throws<CniException>(() => Parse(json));
        Assert.That(e!.Code, Is.EqualTo(ErrorCode.DecodingFailure));
    }

    [Test]
    public void UnknownKeysAndCaseInsensitiveKeysAreAccepted()
    {
        var r = Parse("""{"CNIVersion":"1.1.0","IPs":[{"Address":"10.0.0.2/24","future":true}],"whatever":{}}""");
        Assert.That(r.Ips.Single().Address, Is.EqualTo("10.0.0.2/24"));
    }

    [TestCase("10.1.0.5/16", "10.1.0.5/16")]
    [TestCase("2001:DB8:0:0:0:0:0:5/64", "2001:db8::5/64")]
    [TestCase("2001:db8:0:1:0:0:1:1/64", "2001:db8:0:1::1:1/64")]
    [TestCase("::ffff:10.1.2.3/120", "10.1.2.3/24")]
    [TestCase("::1.2.3.4/128", "::102:304/128")]
    [TestCase("fe80:0:0:0:1:0:0:0/10", "fe80::1:0:0:0/10")]
    public void AddressesPrintAsGoPrintsThem(string input, string expected)
    {
        var r = Parse($$"""{"cniVersion":"1.1.0","ips":[{"address":"{{input}}"}],"routes":[{"dst":"{{input}}"}]}""");
        Assert.That((r.Ips.Single().Address, r.Routes.Single().Dst), Is.EqualTo((expected, expected)));
    }

    [Test]
    public void ZeroXInterfacesIgnoreOneOneFields()
    {
        var r = Parse("""{"cniVersion":"0.4.0","interfaces":[{"name":"eth0","mtu":"not-an-int","pciID":"x"}]}""");
        Assert.That(r.Interfaces.Single().PciId, Is.Null);
    }
}
