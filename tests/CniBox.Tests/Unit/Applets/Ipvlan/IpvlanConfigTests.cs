using System.Text;
using CniBox.Applets.Ipvlan;
using CniBox.Spec;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Unit.Applets.Ipvlan;

/// <summary>ipvlan's keys, and the chained case: the prevResult's single interface is the master.</summary>
public class IpvlanConfigTests
{
    private const string Prev = "'prevResult':{'cniVersion':'1.0.0','interfaces':[{'name':'cbtmv9'}],'ips':[{'address':'10.199.96.2/24','interface':0}]}";

    private static IpvlanConfig Parse(string keys, CniCommand command = CniCommand.Add) =>
        IpvlanConfig.Parse(Encoding.UTF8.GetBytes(
            ("{'cniVersion':'1.0.0','name':'mynet','type':'ipvlan'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"')), command);

    [Test]
    public void DefaultsAreL2OnTheDefaultRouteInterface()
    {
        var c = Parse("");
        Assert.That((c.Master, c.Mode, c.Mtu, c.LinkInContainer, c.PrevResult), Is.EqualTo(("", "l2", 0, false, (CniBox.Spec.Results.CniResult?)null)));
    }

    [Test]
    public void EveryKey()
    {
        var c = Parse("'master':'cbtmv0','mode':'l3s','mtu':1400,'linkInContainer':true");
        Assert.That((c.Master, c.Mode, c.Mtu, c.LinkInContainer), Is.EqualTo(("cbtmv0", "l3s", 1400, true)));
    }

    [Test]
    public void ChainedWithoutMasterTakesThePrevResultsInterfaceAndKeepsItsIps()
    {
        var c = Parse(Prev);
        Assert.That((c.Master, c.PrevResult!.Ips[0].Address), Is.EqualTo(("cbtmv9", "10.199.96.2/24")));
        Assert.That(Parse(Prev + ",'master':'cbtmv0'").Master, Is.EqualTo("cbtmv0"));
    }

    [Test]
    public void CheckReadsNoPrevResultMaster() =>
        Assert.That(Parse(Prev, CniCommand.Check).Master, Is.EqualTo(""));

    [TestCase("'prevResult':{'cniVersion':'1.0.0','interfaces':[{'name':'a'},{'name':'b'}]}", "chained master failure. PrevResult lacks a single named interface")]
    [TestCase("'prevResult':{'cniVersion':'1.0.0','interfaces':[{'name':''}]}", "chained master failure. PrevResult lacks a single named interface")]
    [TestCase("'prevResult':{'cniVersion':'9.9.9'}", "could not parse prevResult: result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is \"9.9.9\"")]
    public void ChainedRefusals(string keys, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.Internal, message)));
    }
}
