using System.Text;
using CniBox.Spec;
using CniBox.Spec.Config;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Unit.Spec.Skeleton;

/// <summary>The skel's first look at stdin (Go's validateConfig and version decoder) and NetConf's shape errors.</summary>
public class ConfigHeaderTests
{
    private static CniException Fails(string json) =>
        Assert.Throws<CniException>(() => ConfigHeader.Parse(Encoding.UTF8.GetBytes(json)))!;

    [TestCase("{\"name\":5}", "number")]
    [TestCase("{\"name\":true}", "bool")]
    [TestCase("{\"name\":{}}", "object")]
    [TestCase("{\"Name\":[]}", "array")]
    public void ANameOfTheWrongTypeIsADecodingFailure(string json, string kind)
    {
        var e = Fails(json);
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.DecodingFailure,
            $"error unmarshall network config: json: cannot unmarshal {kind} into Go struct field .name of type string")));
    }

    [Test]
    public void ANonObjectNamesGosAnonymousStruct() =>
        Assert.That(Fails("[1]").Msg, Is.EqualTo(
            "error unmarshall network config: json: cannot unmarshal array into Go value of type struct { Name string \"json:\\\"name\\\"\" }"));

    [Test]
    public void NullIsAnEmptyConfigWithoutAName() =>
        Assert.That((Fails("null").Code, Fails("null").Msg), Is.EqualTo((ErrorCode.InvalidNetworkConfig, "missing network name")));

    [Test]
    public void AVersionOfTheWrongTypeIsKeptForTheVersionGate()
    {
        var header = ConfigHeader.Parse(Encoding.UTF8.GetBytes("{\"name\":\"n\",\"cniVersion\":1.5}"));
        Assert.That(header.VersionError, Is.EqualTo(
            "decoding version from network config: json: cannot unmarshal number into Go struct field .cniVersion of type string"));
        var e = Assert.Throws<CniException>(() => VersionGate.Check(CniCommand.Add, header))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.DecodingFailure, header.VersionError)));
    }

    [TestCase("5", "number")]
    [TestCase("[]", "array")]
    [TestCase("\"x\"", "string")]
    public void APrevResultThatIsNotAnObjectIsADecodingFailure(string prev, string kind)
    {
        var e = Assert.Throws<CniException>(() => NetConf.Parse(Encoding.UTF8.GetBytes("{\"name\":\"n\",\"prevResult\":" + prev + "}")))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.DecodingFailure,
            $"error unmarshall network config: json: cannot unmarshal {kind} into Go struct field NetConf.prevResult of type map[string]interface {{}}")));
    }
}
