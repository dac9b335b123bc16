using System.Text;
using CniBox.Applets.Flannel;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Flannel;

public class FlannelConfigTests
{
    private static FlannelConfig Parse(string keys) =>
        FlannelConfig.Parse(Encoding.UTF8.GetBytes(("{'cniVersion':'1.0.0','name':'cbr0','type':'flannel'," + keys + "}").Replace('\'', '"')));

    [Test]
    public void DefaultsAreFlannelsPaths() =>
        Assert.That((Parse("'x':1").SubnetFile, Parse("'x':1").DataDir), Is.EqualTo((FlannelConfig.DefaultSubnetFile, FlannelConfig.DefaultDataDir)));

    [TestCase("'subnetFile':'/run/flannel/subnet.env\\u0000x'", "open \"/run/flannel/subnet.env\\x00x\": invalid argument")]
    [TestCase("'dataDir':'/tmp/cbt-fl\\u0000/x'", "open \"/tmp/cbt-fl\\x00/x\": invalid argument")]
    public void APathWithANulIsRefusedBeforeAnyFileIsTouched(string keys, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.Internal, message)));
    }
}
