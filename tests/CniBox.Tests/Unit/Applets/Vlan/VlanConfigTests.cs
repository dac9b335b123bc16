using System.Text;
using CniBox.Applets.Vlan;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Vlan;

/// <summary>vlan's keys and Go's refusals (master required, vlanId 0-4094).</summary>
public class VlanConfigTests
{
    private static VlanConfig Parse(string keys) =>
        VlanConfig.Parse(Encoding.UTF8.GetBytes(
            ("{'cniVersion':'1.0.0','name':'mynet','type':'vlan'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"')));

    [Test]
    public void EveryKey()
    {
        var c = Parse("'master':'cbtmv0','vlanId':4094,'mtu':1400,'linkInContainer':true,'ipam':{'type':'host-local'}");
        Assert.That((c.Master, c.VlanId, c.Mtu, c.LinkInContainer, c.IpamType), Is.EqualTo(("cbtmv0", 4094, 1400, true, "host-local")));
        Assert.That(Parse("'master':'cbtmv0'").VlanId, Is.EqualTo(0));
    }

    [TestCase("", ErrorCode.Internal, "\"master\" field is required. It specifies the host interface name to create the VLAN for.")]
    [TestCase("'master':''", ErrorCode.Internal, "\"master\" field is required. It specifies the host interface name to create the VLAN for.")]
    [TestCase("'master':'cbtmv0','vlanId':4095", ErrorCode.Internal, "invalid VLAN ID 4095 (must be between 0 and 4095 inclusive)")]
    [TestCase("'master':'cbtmv0','vlanId':-1", ErrorCode.Internal, "invalid VLAN ID -1 (must be between 0 and 4095 inclusive)")]
    [TestCase("'master':'cbtmv0','vlanId':'5'", ErrorCode.DecodingFailure, "failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.vlanId of type int")]
    public void Refusals(string keys, int code, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((code, message)));
    }
}
