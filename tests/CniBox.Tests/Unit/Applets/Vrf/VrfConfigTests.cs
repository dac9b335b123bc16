using System.Text;
using CniBox.Applets.Vrf;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Vrf;

/// <summary>vrf's keys as upstream 1.9.1 reads them (Go 1.1.1 has vrf too, but this kernel cannot run it).</summary>
public class VrfConfigTests
{
    private static VrfConfig Parse(string keys) =>
        VrfConfig.Parse(Encoding.UTF8.GetBytes(("{'cniVersion':'1.0.0','name':'mynet','type':'vrf'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"')));

    [Test]
    public void NameAndTable() =>
        Assert.That((Parse("'vrfname':'blue','table':1001").VrfName, Parse("'vrfname':'blue','table':1001").Table), Is.EqualTo(("blue", 1001u)));

    [Test]
    public void TheTableDefaultsToZeroMeaningTheFirstFree() => Assert.That(Parse("'vrfname':'blue'").Table, Is.EqualTo(0u));

    [TestCase("", ErrorCode.InvalidNetworkConfig, "configuration is expected to have a valid vrf name")]
    [TestCase("'vrfname':''", ErrorCode.InvalidNetworkConfig, "configuration is expected to have a valid vrf name")]
    [TestCase("'vrfname':'blue','table':-1", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal number -1 into Go struct field NetConf.table of type uint32")]
    [TestCase("'vrfname':7", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal number into Go struct field NetConf.vrfname of type string")]
    public void Refusals(string keys, int code, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((code, message)));
    }
}
