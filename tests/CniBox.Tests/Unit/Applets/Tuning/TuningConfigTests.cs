using System.Text;
using CniBox.Applets.Tuning;
using CniBox.Spec;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Unit.Applets.Tuning;

/// <summary>
/// tuning's keys (Go 1.9.1 TuningConf), precedence and refusals, without root. Texts are Go's; codes are the
/// spec's where cnibox is more precise than Go's blanket 999 (6 for a shape error, 7 for a config it refuses).
/// </summary>
public class TuningConfigTests
{
    private static readonly string NoAllowlist = "/nonexistent/cbt-tuning/allowlist.conf";

    private static TuningConfig Parse(string keys, string cniArgs = "", CniCommand command = CniCommand.Add, string? allowlist = null) =>
        TuningConfig.Parse(Encoding.UTF8.GetBytes(Conf(keys)), cniArgs, command, allowlist ?? NoAllowlist);

    private static string Conf(string keys) =>
        ("{'cniVersion':'1.0.0','name':'mynet','type':'tuning'" + (keys.Length > 0 ? "," + keys : "") + "}").Replace('\'', '"');

    private static (int, string) Fails(string keys, string cniArgs = "", CniCommand command = CniCommand.Add, string? allowlist = null)
    {
        var e = Assert.Throws<CniException>(() => Parse(keys, cniArgs, command, allowlist))!;
        return (e.Code, e.Msg);
    }

    private static string[] Sysctls(TuningConfig c) => [.. c.Sysctls.Select(s => $"{s.Key}={s.Value}")];

    [Test]
    public void Defaults()
    {
        var c = Parse("");
        Assert.That((c.DataDir, c.Sysctls.Count, c.Mac, c.Promisc, c.Mtu, c.Allmulti, c.TxQLen, c.ChangesLink),
            Is.EqualTo(("/run/cni/tuning", 0, "", false, 0, (bool?)null, (int?)null, false)));
        Assert.That(Parse("'dataDir':''").DataDir, Is.EqualTo("/run/cni/tuning"));
    }

    [Test]
    public void EveryKey()
    {
        var c = Parse("'dataDir':'/tmp/t','sysctl':{'net.core.somaxconn':'500','net.ipv4.conf.IFNAME.arp_notify':'1'}," +
            "'mac':'02:00:00:00:00:01','promisc':true,'mtu':1400,'allmulti':false,'txQLen':0");
        Assert.That((c.DataDir, c.Mac, c.Promisc, c.Mtu, c.Allmulti, c.TxQLen, c.ChangesLink),
            Is.EqualTo(("/tmp/t", "02:00:00:00:00:01", true, 1400, (bool?)false, (int?)0, true)));
        Assert.That(Sysctls(c), Is.EqualTo(new[] { "net.core.somaxconn=500", "net.ipv4.conf.IFNAME.arp_notify=1" }));
    }

    [TestCase("'allmulti':false")]
    [TestCase("'txQLen':0")]
    [TestCase("'mtu':-1")]
    [TestCase("'promisc':true")]
    [TestCase("'mac':'02:00:00:00:00:01'")]
    public void AnyAttributeKeyMeansTheLinkChanges(string keys) => Assert.That(Parse(keys).ChangesLink, Is.True);

    [TestCase("'mac':'02:00:00:00:00:01'", "", "02:00:00:00:00:01")]
    [TestCase("'mac':'02:00:00:00:00:01'", "MAC=02:00:00:00:00:02", "02:00:00:00:00:02")]
    [TestCase("'mac':'02:00:00:00:00:01','runtimeConfig':{'mac':'02:00:00:00:00:03'}", "MAC=02:00:00:00:00:02", "02:00:00:00:00:03")]
    [TestCase("'runtimeConfig':{'mac':'02:00:00:00:00:03'},'args':{'cni':{'mac':'02:00:00:00:00:04'}}", "MAC=02:00:00:00:00:02", "02:00:00:00:00:04")]
    [TestCase("'mac':'02:00:00:00:00:01','runtimeConfig':{'mac':''}", "MAC=", "02:00:00:00:00:01")]
    [TestCase("'mac':'02:00:00:00:00:01','args':{'cni':{'mac':''}}", "MAC=02:00:00:00:00:02", "")]
    [TestCase("'mac':'02:00:00:00:00:01','args':{'cni':{'mac':null}}", "", "02:00:00:00:00:01")]
    public void MacPrecedenceIsConfigThenCniArgsThenRuntimeConfigThenArgs(string keys, string cniArgs, string mac) =>
        Assert.That(Parse(keys, cniArgs).Mac, Is.EqualTo(mac));

    [Test]
    public void ArgsCniOverrideEveryAttribute()
    {
        var c = Parse("'promisc':true,'mtu':1400,'allmulti':true,'txQLen':100," +
            "'args':{'cni':{'promisc':false,'mtu':1300,'allmulti':false,'txQLen':0}}");
        Assert.That((c.Promisc, c.Mtu, c.Allmulti, c.TxQLen), Is.EqualTo((false, 1300, (bool?)false, (int?)0)));
        var unchanged = Parse("'promisc':true,'mtu':1400,'args':{'cni':{}}");
        Assert.That((unchanged.Promisc, unchanged.Mtu), Is.EqualTo((true, 1400)));
    }

    [Test]
    public void ArgsCniSysctlAddsAndOverridesInPlace()
    {
        var c = Parse("'sysctl':{'net.a':'1','net.b':'2'},'args':{'cni':{'sysctl':{'net.b':'20','net.c':'3'}}}");
        Assert.That(Sysctls(c), Is.EqualTo(new[] { "net.a=1", "net.b=20", "net.c=3" }));
    }

    [Test]
    public void ArgsCniSysctlAloneIsTakenWhereGoPanicsOnItsNilMap() =>
        Assert.That(Sysctls(Parse("'args':{'cni':{'sysctl':{'net.core.somaxconn':'600'}}}")), Is.EqualTo(new[] { "net.core.somaxconn=600" }));

    [Test]
    public void SysctlKeysFoldMergeAndResetAsGosMapDecoding()
    {
        // DEL does not run the duplicate check, so Go's plain map decoding shows: keys fold, maps merge, null resets.
        Assert.That(Sysctls(Parse("'sysctl':{'net.a':'1'},'Sysctl':{'net.b':'2','net.a':'3'}", command: CniCommand.Del)),
            Is.EqualTo(new[] { "net.a=3", "net.b=2" }));
        Assert.That(Sysctls(Parse("'sysctl':{'net.a':'1'},'SYSCTL':null,'sysctl':{'net.b':null}", command: CniCommand.Del)),
            Is.EqualTo(new[] { "net.b=" }));
    }

    [TestCase(CniCommand.Add)]
    [TestCase(CniCommand.Check)]
    public void DuplicateSysctlKeysAreRefusedOnAddAndCheck(CniCommand command)
    {
        Assert.That(Fails("'sysctl':{'net.a':'1','net.a':'2'}", command: command),
            Is.EqualTo((ErrorCode.InvalidNetworkConfig, "duplicated sysctl keys are not allowed")));
        Assert.That(Fails("'sysctl':{'net.a':'1'},'Sysctl':{'net.a':'1'}", command: command),
            Is.EqualTo((ErrorCode.InvalidNetworkConfig, "duplicated sysctl keys are not allowed")));
    }

    [Test]
    public void DuplicateSysctlKeysOnDelAreGosLastWins() =>
        Assert.That(Sysctls(Parse("'sysctl':{'net.a':'1','net.a':'2'}", command: CniCommand.Del)), Is.EqualTo(new[] { "net.a=2" }));

    [Test]
    public void ArgsCniSysctlIsNotPartOfTheDuplicateCheck() =>
        Assert.That(Sysctls(Parse("'sysctl':{'net.a':'1'},'args':{'cni':{'sysctl':{'net.a':'2'}}}")), Is.EqualTo(new[] { "net.a=2" }));

    [Test]
    public void ARepeatedKeyWinsOverAnEarlierWrongValueAsInGo() =>
        Assert.That(Fails("'sysctl':{'net.a':1,'net.a':'2'}"), Is.EqualTo((ErrorCode.InvalidNetworkConfig, "duplicated sysctl keys are not allowed")));

    // ADD and CHECK meet Go's sysctlCheck decoder first (no prefix); DEL only parseConf's.
    [TestCase("'sysctl':{'net.a':1}", CniCommand.Add, "json: cannot unmarshal number into Go struct field sysctlCheck.sysctl of type string")]
    [TestCase("'sysctl':'x'", CniCommand.Check, "json: cannot unmarshal string into Go struct field sysctlCheck.sysctl of type map[main.sysctlKey]string")]
    [TestCase("'sysctl':{'net.a':1}", CniCommand.Del, "failed to load netconf: json: cannot unmarshal number into Go struct field TuningConf.sysctl of type string")]
    [TestCase("'sysctl':['x']", CniCommand.Del, "failed to load netconf: json: cannot unmarshal array into Go struct field TuningConf.sysctl of type map[string]string")]
    [TestCase("'mtu':'x'", CniCommand.Add, "failed to load netconf: json: cannot unmarshal string into Go struct field TuningConf.mtu of type int")]
    [TestCase("'txQLen':1.5", CniCommand.Add, "failed to load netconf: json: cannot unmarshal number 1.5 into Go struct field TuningConf.txQLen of type int")]
    [TestCase("'promisc':'yes'", CniCommand.Add, "failed to load netconf: json: cannot unmarshal string into Go struct field TuningConf.promisc of type bool")]
    [TestCase("'allmulti':1", CniCommand.Del, "failed to load netconf: json: cannot unmarshal number into Go struct field TuningConf.allmulti of type bool")]
    [TestCase("'mac':5", CniCommand.Add, "failed to load netconf: json: cannot unmarshal number into Go struct field TuningConf.mac of type string")]
    [TestCase("'dataDir':true", CniCommand.Add, "failed to load netconf: json: cannot unmarshal bool into Go struct field TuningConf.dataDir of type string")]
    [TestCase("'runtimeConfig':{'mac':5}", CniCommand.Add, "failed to load netconf: json: cannot unmarshal number into Go struct field .runtimeConfig.mac of type string")]
    [TestCase("'args':{'cni':5}", CniCommand.Add, "failed to load netconf: json: cannot unmarshal number into Go struct field .args.cni of type main.IPAMArgs")]
    [TestCase("'args':{'cni':{'mtu':'x'}}", CniCommand.Add, "failed to load netconf: json: cannot unmarshal string into Go struct field IPAMArgs.args.cni.mtu of type int")]
    [TestCase("'args':{'cni':{'sysctl':{'net.a':true}}}", CniCommand.Add, "failed to load netconf: json: cannot unmarshal bool into Go struct field IPAMArgs.args.cni.sysctl of type string")]
    public void WrongTypesAreCode6WithGosText(string keys, CniCommand command, string message) =>
        Assert.That(Fails(keys, command: command), Is.EqualTo((ErrorCode.DecodingFailure, message)));

    [TestCase(CniCommand.Add)]
    [TestCase(CniCommand.Del)]
    public void CniArgsAreLoadedAsGoLoadArgsOnEveryVerb(CniCommand command)
    {
        Assert.That(Fails("", "FOO=bar", command), Is.EqualTo((ErrorCode.Internal, "ARGS: unknown args [\"FOO=bar\"]")));
        Assert.That(Fails("", "MAC", command), Is.EqualTo((ErrorCode.Internal, "ARGS: invalid pair \"MAC\"")));
        Assert.That(Parse("", "IgnoreUnknown=1;FOO=bar;MAC=02:00:00:00:00:09", command).Mac, Is.EqualTo("02:00:00:00:00:09"));
        // LoadArgs matches Go field names exactly: "mac" is not MacEnvArgs.MAC.
        Assert.That(Parse("", "IgnoreUnknown=true;mac=02:00:00:00:00:09", command).Mac, Is.EqualTo(""));
    }

    [Test]
    public void AWrongTypeIsReportedBeforeBadCniArgs() =>
        Assert.That(Fails("'mtu':'x'", "FOO=bar").Item1, Is.EqualTo(ErrorCode.DecodingFailure));
}
