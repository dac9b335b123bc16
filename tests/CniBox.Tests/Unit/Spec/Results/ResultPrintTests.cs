using System.Text;
using CniBox.Spec;
using CniBox.Spec.Results;

namespace CniBox.Tests.Unit.Spec.Results;

public class ResultPrintTests
{
    private static CniResult SpecExample() => CniResult.Parse(Encoding.UTF8.GetBytes(ResultGolden.SpecExample));

    [TestCase("1.1.0", ResultGolden.SpecExample1x)]
    [TestCase("1.0.0", ResultGolden.SpecExample1x)]
    [TestCase("0.4.0", ResultGolden.SpecExample04)]
    [TestCase("0.3.1", ResultGolden.SpecExample04)]
    [TestCase("0.3.0", ResultGolden.SpecExample04)]
    [TestCase("0.2.0", ResultGolden.SpecExample02)]
    [TestCase("0.1.0", ResultGolden.SpecExample02)]
    public void SpecExamplePrintsAsGo(string version, string template) =>
        Assert.That(SpecExample().ToJson(version), Is.EqualTo(ResultGolden.For(template, version)));

    [TestCase("1.1.0", ResultGolden.DualStack1x)]
    [TestCase("1.0.0", ResultGolden.DualStack1x)]
    [TestCase("0.4.0", ResultGolden.DualStack04)]
    [TestCase("0.3.1", ResultGolden.DualStack04)]
    [TestCase("0.3.0", ResultGolden.DualStack04)]
    [TestCase("0.2.0", ResultGolden.DualStack02)]
    [TestCase("0.1.0", ResultGolden.DualStack02)]
    public void DualStackPrintsAsGo(string version, string template) =>
        Assert.That(ResultGolden.DualStack().ToJson(version), Is.EqualTo(ResultGolden.For(template, version)));

    [TestCase("1.1.0", ResultGolden.DualStack1x)]
    [TestCase("0.4.0", ResultGolden.DualStack04)]
    [TestCase("0.2.0", ResultGolden.DualStack02)]
    public void PrintedResultReadsBackToTheSameOutput(string version, string template)
    {
        var printed = ResultGolden.DualStack().ToJson(version);
        Assert.That(CniResult.Parse(Encoding.UTF8.GetBytes(printed)).ToJson(version), Is.EqualTo(ResultGolden.For(template, version)));
    }

    [Test]
    public void EmptyTargetMeansZeroOneZeroAsDebianLoopbackPrints()
    {
        var lo = new CniResult
        {
            Interfaces = [new() { Name = "lo", Mac = "00:00:00:00:00:00", Sandbox = "/var/run/netns/x" }],
            Ips = [new() { Interface = 0, Address = "127.0.0.1/8" }, new() { Interface = 0, Address = "::1/128" }],
        };
        Assert.That(lo.ToJson(""), Is.EqualTo(ResultGolden.LoopbackNoVersion));
    }

    [Test]
    public void NoTrailingNewline() => Assert.That(SpecExample().ToJson("1.1.0"), Does.EndWith("}").And.Not.EndWith("\n}\n"));

    [Test]
    public void CompactVariant() =>
        Assert.That(new CniResult { Ips = [new() { Address = "10.0.0.2/24" }] }.ToJson("1.1.0", indented: false),
            Is.EqualTo("""{"cniVersion":"1.1.0","ips":[{"address":"10.0.0.2/24"}]}"""));

    [Test]
    public void EmptyResultIn1xHasOnlyTheVersionIn0xAlsoAnEmptyDns()
    {
        Assert.That(new CniResult().ToJson("1.1.0"), Is.EqualTo("{\n    \"cniVersion\": \"1.1.0\"\n}"));
        Assert.That(new CniResult().ToJson("0.4.0"), Is.EqualTo("{\n    \"cniVersion\": \"0.4.0\",\n    \"dns\": {}\n}"));
    }

    [Test]
    public void IpamResultHasNoInterfacesAndNoInterfaceIndex()
    {
        var ipam = new CniResult { Ips = [new() { Address = "10.1.0.5/16", Gateway = "10.1.0.1" }], Routes = [new() { Dst = "0.0.0.0/0" }] };
        var json = ipam.ToJson("1.1.0");
        Assert.That(json, Does.Not.Contain("interface"));
    }

    [Test]
    public void ZeroMtuAdvMssPriorityAreOmittedZeroTableScopeInterfaceArePrinted()
    {
        var r = new CniResult
        {
            Interfaces = [new() { Name = "eth0", Mtu = 0 }],
            Ips = [new() { Interface = 0, Address = "10.0.0.2/24" }],
            Routes = [new() { Dst = "0.0.0.0/0", Mtu = 0, AdvMss = 0, Priority = 0, Table = 0, Scope = 0 }],
        };
        Assert.That(r.ToJson("1.1.0", indented: false), Is.EqualTo(
            """{"cniVersion":"1.1.0","interfaces":[{"name":"eth0"}],"ips":[{"address":"10.0.0.2/24","interface":0}],"routes":[{"dst":"0.0.0.0/0","scope":0,"table":0}]}"""));
    }

    [Test]
    public void ConversionToZeroTwoWithoutIpsFails()
    {
        var e = Assert.Throws<CniException>(() => new CniResult { Interfaces = [new() { Name = "eth0" }] }.ToJson("0.2.0"));
        Assert.That(e!.Msg, Is.EqualTo("cannot convert: no valid IP addresses"));
        Assert.That(e.Code, Is.EqualTo(ErrorCode.Internal));
    }

    [Test]
    public void UnknownTargetVersionFails()
    {
        var e = Assert.Throws<CniException>(() => new CniResult().ToJson("9.9.9"));
        Assert.That(e!.Msg, Is.EqualTo("no converter for CNI result version 1.1.0 to 9.9.9"));
    }

    [Test]
    public void ZeroTwoKeepsOnlyTheFirstAddressPerFamilyAndRoutesOnlyForFamiliesWithAnAddress()
    {
        var r = new CniResult
        {
            Ips = [new() { Address = "10.0.0.2/24" }, new() { Address = "10.0.0.3/24" }],
            Routes = [new() { Dst = "::/0", Gw = "fe80::1" }, new() { Dst = "10.9.0.0/16", Gw = "10.0.0.1", Mtu = 9000 }],
        };
        Assert.That(r.ToJson("0.2.0", indented: false), Is.EqualTo(
            """{"cniVersion":"0.2.0","ip4":{"ip":"10.0.0.2/24","routes":[{"dst":"10.9.0.0/16","gw":"10.0.0.1"}]},"dns":{}}"""));
    }

    [TestCase("a<b>&c", "\"a\\u003cb\\u003e\\u0026c\"")]
    [TestCase("tab\there\nnl", "\"tab\\there\\nnl\"")]
    [TestCase("q\"b\\", "\"q\\\"b\\\\\"")]
    [TestCase("\u0001\u001f\u007f", "\"\\u0001\\u001f\u007f\"")]
    [TestCase("é日本\u2028", "\"é日本\\u2028\"")]
    [TestCase("\b\f", "\"\\b\\f\"")]
    public void StringsAreEscapedAsGoEscapesThem(string value, string expected)
    {
        var r = new CniResult { Interfaces = [new() { Name = value }] };
        Assert.That(r.ToJson("1.1.0", indented: false), Is.EqualTo($$"""{"cniVersion":"1.1.0","interfaces":[{"name":{{expected}}}]}"""));
    }
}
