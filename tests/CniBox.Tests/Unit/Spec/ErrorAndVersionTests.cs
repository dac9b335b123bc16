using System.Text;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Spec;

public class ErrorAndVersionTests
{
    [Test]
    public void ErrorAsTheGoSkelPrintsItCapturedFromDebianLoopback()
    {
        var e = new CniException(1, "incompatible CNI versions",
            "config is \"1.1.0\", plugin supports [\"0.1.0\" \"0.2.0\" \"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\"]");
        Assert.That(CniErrorJson.Format(e), Is.EqualTo("""
            {
                "code": 1,
                "msg": "incompatible CNI versions",
                "details": "config is \"1.1.0\", plugin supports [\"0.1.0\" \"0.2.0\" \"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\"]"
            }
            """));
    }

    [Test]
    public void EmptyDetailsAreOmitted() =>
        Assert.That(CniErrorJson.Format(new CniException(7, "missing network name")),
            Is.EqualTo("{\n    \"code\": 7,\n    \"msg\": \"missing network name\"\n}"));

    [Test]
    public void CniVersionComesFirstWhenGiven() =>
        Assert.That(CniErrorJson.Format(new CniException(999, "a<b", "d"), "1.1.0"),
            Is.EqualTo("{\n    \"cniVersion\": \"1.1.0\",\n    \"code\": 999,\n    \"msg\": \"a\\u003cb\",\n    \"details\": \"d\"\n}"));

    [Test]
    public void VersionReply() =>
        Assert.That(VersionInfo.Json, Is.EqualTo("""{"cniVersion":"1.1.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}"""));

    [Test]
    public void DecodesOwnReply()
    {
        var (version, supported) = VersionInfo.Decode(Encoding.UTF8.GetBytes(VersionInfo.Json));
        Assert.That(version, Is.EqualTo("1.1.0"));
        Assert.That(supported, Is.EqualTo(CniVersion.Supported));
    }

    [Test]
    public void ZeroTwoWithoutSupportedVersions() =>
        Assert.That(VersionInfo.Decode("""{"cniVersion":"0.2.0"}"""u8).SupportedVersions, Is.EqualTo(new[] { "0.1.0", "0.2.0" }));

    [TestCase("""{"cniVersion":"0.3.0"}""", "decoding version info: missing field supportedVersions")]
    [TestCase("""{"supportedVersions":["0.1.0"]}""", "decoding version info: missing field cniVersion")]
    public void DecoderErrors(string json, string msg) =>
        Assert.That(Assert.Throws<CniException>(() => VersionInfo.Decode(Encoding.UTF8.GetBytes(json)))!.Msg, Is.EqualTo(msg));
}
