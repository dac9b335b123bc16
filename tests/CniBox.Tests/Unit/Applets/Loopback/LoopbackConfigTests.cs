using System.Text;
using CniBox.Applets.Loopback;
using CniBox.Spec;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit.Applets.Loopback;

/// <summary>loopback reads only a prevResult, and only on ADD (texts Go's parseNetConf's; shape errors code 6).</summary>
public class LoopbackConfigTests
{
    private static LoopbackConfig Parse(string json) => LoopbackConfig.Parse(Encoding.UTF8.GetBytes(json.Replace('\'', '"')));

    private const string Prev100 = "{'cniVersion':'1.0.0','ips':[{'address':'10.199.0.2/24'}]}";

    [Test]
    public void WithoutAPrevResultThereIsNothingToPassOn()
    {
        Assert.That(Parse("{'cniVersion':'1.0.0','name':'n','type':'loopback'}").PrevResult, Is.Null);
        Assert.That(Parse("{'cniVersion':'1.0.0','name':'n','prevResult':null}").PrevResult, Is.Null);
    }

    [Test]
    public void APrevResultIsReadInTheConfigsVersion()
    {
        var prev = Parse("{'cniVersion':'1.1.0','name':'n','prevResult':" + Prev100 + "}").PrevResult!;
        Assert.That(prev.Ips.Single().Address, Is.EqualTo("10.199.0.2/24"));
        var unversioned = Parse("{'cniVersion':'0.4.0','name':'n','prevResult':{'ips':[{'version':'4','address':'10.199.0.2/24'}]}}");
        Assert.That(unversioned.PrevResult!.Ips.Single().Address, Is.EqualTo("10.199.0.2/24"));
    }

    [TestCase("{'cniVersion':'1.0.0','name':'n','prevResult':5}", ErrorCode.DecodingFailure,
        "failed to parse network config: json: cannot unmarshal number into Go struct field NetConf.prevResult of type map[string]interface {}")]
    [TestCase("{'cniVersion':'1.0.0','name':'n','dns':5}", ErrorCode.DecodingFailure,
        "failed to parse network config: json: cannot unmarshal number into Go struct field NetConf.dns of type types.DNS")]
    [TestCase("{'cniVersion':'1.0.0','name':'n','ipam':5}", ErrorCode.DecodingFailure,
        "failed to parse network config: json: cannot unmarshal number into Go struct field NetConf.ipam of type types.IPAM")]
    [TestCase("{'cniVersion':'1.0.0','name':'n','prevResult':{'cniVersion':'0.4.0'}}", ErrorCode.Internal,
        "failed to parse prevResult: could not parse prevResult: result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is \"0.4.0\"")]
    public void Refusals(string json, int code, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(json))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((code, message)));
    }

    [Test]
    public void DelReadsNoConfigAsInGo()
    {
        var env = InMemorySkel.Env("DEL", netns: "");
        var outcome = InMemorySkel.Run(new LoopbackApplet(), env, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"prevResult\":5,\"dns\":5}", name: "loopback");
        Assert.That((outcome.Exit, outcome.Stdout), Is.EqualTo((0, "")));
    }
}
