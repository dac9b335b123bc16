using System.Text;
using CniBox.Applets.Bandwidth;
using CniBox.Spec;

namespace CniBox.Tests.Unit.Applets.Bandwidth;

/// <summary>
/// bandwidth's keys, precedence and refusals, without root; texts as Debian's Go 1.1.1 prints them, codes the house's
/// (6 decoding, 7 a refused value) where Go says 999.
/// </summary>
public sealed class BandwidthConfigTests
{
    private static BandwidthConfig Parse(string keys) =>
        BandwidthConfig.Parse(Encoding.UTF8.GetBytes(
            ("{'cniVersion':'1.0.0','name':'mynet','type':'bandwidth'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"')));

    private static string Error(string keys, int code)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys))!;
        Assert.That(e.Code, Is.EqualTo(code), e.Msg);
        return e.Msg;
    }

    [Test]
    public void NoKeysIsNoBandwidth() => Assert.That(Parse("").Bandwidth, Is.Null);

    [Test]
    public void TopLevelKeys()
    {
        var bw = Parse("'ingressRate':8000000,'ingressBurst':80000,'egressRate':16000000,'egressBurst':160000").Bandwidth!;
        Assert.That(bw, Is.EqualTo(new BandwidthEntry(8000000, 80000, 16000000, 160000)));
        Assert.That((bw.ShapesIngress, bw.ShapesEgress, bw.IsZero), Is.EqualTo((true, true, false)));
    }

    [Test]
    public void RuntimeConfigInGoFieldCaseAsCriSendsIt()
    {
        var bw = Parse("'runtimeConfig':{'bandwidth':{'IngressRate':10000000,'IngressBurst':4294967295,'EgressRate':10000000,'EgressBurst':4294967295}}").Bandwidth!;
        Assert.That(bw, Is.EqualTo(new BandwidthEntry(10000000, 4294967295, 10000000, 4294967295)));
    }

    [TestCase("'egressRate':5,'egressBurst':8")]
    [TestCase("'egressRate':null")]
    [TestCase("'ingressBurst':0")]
    public void AnyTopLevelKeyEvenNullWinsOverRuntimeConfig(string topLevel)
    {
        var bw = Parse(topLevel + ",'runtimeConfig':{'bandwidth':{'ingressRate':1,'ingressBurst':8}}").Bandwidth!;
        Assert.That(bw.IngressRate, Is.Zero, "the runtime entry is not used");
    }

    [Test]
    public void AnEmptyRuntimeEntryIsAZeroEntry()
    {
        Assert.That(Parse("'runtimeConfig':{'bandwidth':{}}").Bandwidth, Is.EqualTo(new BandwidthEntry(0, 0, 0, 0)));
        Assert.That(Parse("'runtimeConfig':{'bandwidth':null}").Bandwidth, Is.Null);
    }

    [TestCase("'ingressRate':100", "if rate is set, burst must also be set")]
    [TestCase("'ingressBurst':100", "if burst is set, rate must also be set")]
    [TestCase("'egressRate':100", "if rate is set, burst must also be set")]
    [TestCase("'runtimeConfig':{'bandwidth':{'egressRate':1}}", "if rate is set, burst must also be set")]
    [TestCase("'ingressBurst':34359738360,'ingressRate':1", "burst cannot be more than 4GB")]
    public void RateAndBurstGoTogetherAndTheBurstStaysUnder4GiB(string keys, string message) =>
        Assert.That(Error(keys, 7), Is.EqualTo(message));

    [Test]
    public void TheLargestBurstIsJustUnder4GiB() =>
        Assert.That(Parse("'ingressBurst':34359738352,'ingressRate':5").Bandwidth!.IngressBurst, Is.EqualTo(34359738352UL));

    [TestCase("'ingressBurst':-1", "number -1 into Go struct field PluginConf.ingressBurst of type uint64")]
    [TestCase("'ingressBurst':1.5", "number 1.5 into Go struct field PluginConf.ingressBurst of type uint64")]
    [TestCase("'ingressBurst':1e3", "number 1e3 into Go struct field PluginConf.ingressBurst of type uint64")]
    [TestCase("'ingressBurst':18446744073709551616", "number 18446744073709551616 into Go struct field PluginConf.ingressBurst of type uint64")]
    [TestCase("'ingressBurst':'1'", "string into Go struct field PluginConf.ingressBurst of type uint64")]
    [TestCase("'runtimeConfig':{'bandwidth':{'egressRate':'1'}}", "string into Go struct field BandwidthEntry.runtimeConfig.bandwidth.egressRate of type uint64")]
    [TestCase("'runtimeConfig':{'bandwidth':'x'}", "string into Go struct field .runtimeConfig.bandwidth of type main.BandwidthEntry")]
    [TestCase("'runtimeConfig':'x'", "string into Go struct field PluginConf.runtimeConfig of type struct { Bandwidth *main.BandwidthEntry \"json:\\\"bandwidth,omitempty\\\"\" }")]
    public void TypeErrorsAreGosDecodingTexts(string keys, string tail) =>
        Assert.That(Error(keys, 6), Is.EqualTo("failed to parse network configuration: json: cannot unmarshal " + tail));
}
