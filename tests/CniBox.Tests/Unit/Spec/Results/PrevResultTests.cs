using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Config;
using CniBox.Spec.Results;

namespace CniBox.Tests.Unit.Spec.Results;

public class PrevResultTests
{
    private static JsonElement Json(string s) => JsonDocument.Parse(s).RootElement;

    [Test]
    public void AnotherFamilyFails()
    {
        var e = Assert.Throws<CniException>(() => CniResult.ParsePrevResult(Json("""{"cniVersion":"0.4.0"}"""), "1.0.0"));
        Assert.That(e!.Msg, Is.EqualTo("could not parse prevResult: result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is \"0.4.0\""));
        Assert.That(e.Code, Is.EqualTo(ErrorCode.Internal));
    }

    [Test]
    public void ZeroTwoFamilyListsTheEmptyVersion()
    {
        var e = Assert.Throws<CniException>(() => CniResult.ParsePrevResult(Json("""{"cniVersion":"1.0.0"}"""), "0.2.0"));
        Assert.That(e!.Msg, Is.EqualTo("could not parse prevResult: result type supports [ 0.1.0 0.2.0] but unmarshalled CNIVersion is \"1.0.0\""));
    }

    [TestCase("1.1.0", "1.0.0")]
    [TestCase("0.4.0", "0.3.1")]
    [TestCase("0.2.0", "0.1.0")]
    public void SameFamilyIsAccepted(string config, string prev)
    {
        var r = CniResult.ParsePrevResult(Json($$"""{"cniVersion":"{{prev}}"}"""), config);
        Assert.That(r.CniVersion, Is.EqualTo(prev));
    }

    [Test]
    public void WithoutCniVersionTheConfigVersionIsTakenAndTheShapeIsTheConfigFamily()
    {
        var r = CniResult.ParsePrevResult(Json("""{"ips":[{"version":"4","address":"10.0.0.2/24"}],"ip4":{"ip":"10.9.9.9/8"}}"""), "0.4.0");
        Assert.That(r.CniVersion, Is.EqualTo("0.4.0"));
        Assert.That(r.Ips.Single().Address, Is.EqualTo("10.0.0.2/24"));
    }

    [Test]
    public void ChainedPluginThatChangesNothingPrintsItsPrevResultUnchanged()
    {
        var prev = ResultGolden.DualStack().ToJson("1.1.0");
        var conf = NetConf.Parse(System.Text.Encoding.UTF8.GetBytes($$"""{"cniVersion":"1.1.0","name":"n","type":"tuning","prevResult":{{prev}}}"""));
        Assert.That(conf.ParsePrevResult()!.ToJson(conf.CniVersion!), Is.EqualTo(prev));
    }

    [Test]
    public void BadAddressIsAPluginError()
    {
        var e = Assert.Throws<CniException>(() => CniResult.ParsePrevResult(Json("""{"ips":[{"address":"x"}]}"""), "1.0.0"));
        Assert.That(e!.Msg, Is.EqualTo("could not parse prevResult: invalid CIDR address: x"));
    }
}
