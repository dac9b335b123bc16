using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Differential;

/// <summary>
/// Debian's Go tuning (1.1.1) and ours on the same input, each in its own node and container netns, on a veth
/// with the same MAC: results, the kernel state after ADD and after DEL, the backup file and its interchange.
/// Deliberate differences are asserted explicitly: DEL restores the sysctls (Go does not, upstream #540),
/// txQLen (1.4.0) and dotted ifnames in IFNAME keys (1.2.0) are upstream changes after 1.1.1.
/// </summary>
[Category("root")]
[Category("differential")]
[NonParallelizable]
public sealed class TuningDifferentialTests
{
    private const string StartMac = "02:00:00:19:00:10";
    private const string NewMac = "02:00:00:19:00:11";
    private const string ArpNotify = "/proc/sys/net/ipv4/conf/eth0/arp_notify";
    private const string Somaxconn = "/proc/sys/net/core/somaxconn";

    private GoAndOurs _sides = null!;
    private readonly Dictionary<PluginSide, string> _dataDirs = [];

    [SetUp]
    public void Create()
    {
        _sides = new GoAndOurs("tuning");
        foreach (var side in _sides.Both) _dataDirs[side] = Directory.CreateTempSubdirectory("cbt-tuning-").FullName;
    }

    [TearDown]
    public void Destroy()
    {
        _sides.Dispose();
        foreach (var dir in _dataDirs.Values) Directory.Delete(dir, true);
        _dataDirs.Clear();
    }

    private static void Veth(PluginSide side, string name = "eth0") =>
        side.Container.IpIn("link", "add", name, "address", StartMac, "type", "veth", "peer", "name", "cbttu0", "netns", side.Net.Host.Name);

    private string Conf(PluginSide side, string keys, string ifName = "eth0", bool withPrev = true) =>
        $"{{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-tuning\",\"type\":\"tuning\",\"dataDir\":\"{_dataDirs[side]}\"{keys}" +
        (withPrev ? "," + PrevResult(side, ifName) : "") + "}";

    private static string PrevResult(PluginSide side, string ifName) =>
        $"\"prevResult\":{{\"cniVersion\":\"1.0.0\",\"interfaces\":[{{\"name\":\"cbttu0\"}},{{\"name\":\"{ifName}\",\"mac\":\"{StartMac}\",\"sandbox\":\"{side.Container.Path}\"}}]," +
        "\"ips\":[{\"address\":\"10.199.193.2/24\",\"interface\":1}]}";

    private static ProcessResult Run(PluginSide side, string verb, string conf, string ifName = "eth0") =>
        side.Net.Run(side.Plugin, verb, conf, side.Container.Path, ifName: ifName, goPath: side.IsGo);

    private static string Sysctl(PluginSide side, string file) =>
        TestNetns.Ip("netns", "exec", side.Container.Name, "cat", file).Trim();

    private static string Attributes(PluginSide side, string name = "eth0")
    {
        var link = NetHarness.Link(side.Container, name);
        var flags = link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ToList();
        return $"mtu={link.GetProperty("mtu").GetInt32()} mac={link.GetProperty("address").GetString()} " +
            $"promisc={flags.Contains("PROMISC")} allmulti={flags.Contains("ALLMULTI")} txqlen={link.GetProperty("txqlen").GetInt32()}";
    }

    private string Backup(PluginSide side, string ifName = "eth0") => Path.Combine(_dataDirs[side], $"cbt-c1_{ifName}.json");

    private const string Keys =
        ",\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_notify\":\"1\",\"net.core.somaxconn\":\"1234\"}," +
        "\"mac\":\"" + NewMac + "\",\"mtu\":1400,\"promisc\":true,\"allmulti\":true";

    [Test]
    public void AddGivesGosResultKernelStateAndBackup()
    {
        var added = new Dictionary<PluginSide, string>();
        foreach (var side in _sides.Both)
        {
            Veth(side);
            var result = Run(side, "ADD", Conf(side, Keys));
            CniAssert.Success(result);
            added[side] = side.Masked(result, [StartMac, NewMac]);
        }
        var (go, ours) = (_sides.Go, _sides.Ours);
        Assert.That(added[ours], Is.EqualTo(added[go]));
        Assert.That(added[ours], Does.Contain(NewMac));
        Assert.That(Attributes(ours), Is.EqualTo(Attributes(go)));
        Assert.That(Attributes(ours), Is.EqualTo($"mtu=1400 mac={NewMac} promisc=True allmulti=True txqlen=1000"));
        Assert.That((Sysctl(ours, ArpNotify), Sysctl(ours, Somaxconn)), Is.EqualTo((Sysctl(go, ArpNotify), Sysctl(go, Somaxconn))));

        // Go's file, byte for byte, then our one extra key that Go's decoder skips.
        var goFile = File.ReadAllText(Backup(go));
        var ourFile = File.ReadAllText(Backup(ours));
        Assert.That(ourFile, Does.StartWith(goFile[..^2] + ",\n \"previousSysctls\": {\n"));
    }

    [Test]
    public void DelRestoresWhatGoRestoresAndUnlikeGoTheSysctls()
    {
        var before = new Dictionary<PluginSide, (string Arp, string Somax, string Attrs)>();
        foreach (var side in _sides.Both)
        {
            Veth(side);
            before[side] = (Sysctl(side, ArpNotify), Sysctl(side, Somaxconn), Attributes(side));
            CniAssert.Success(Run(side, "ADD", Conf(side, Keys)));
            CniAssert.SilentSuccess(Run(side, "DEL", Conf(side, Keys)));
            Assert.That(File.Exists(Backup(side)), Is.False, side.Label);
        }
        var (go, ours) = (_sides.Go, _sides.Ours);
        Assert.That(Attributes(ours), Is.EqualTo(Attributes(go)));
        Assert.That(Attributes(ours), Is.EqualTo(before[ours].Attrs));
        Assert.That((Sysctl(go, ArpNotify), Sysctl(go, Somaxconn)), Is.EqualTo(("1", "1234")), "Go leaves the sysctls as ADD wrote them");
        Assert.That((Sysctl(ours, ArpNotify), Sysctl(ours, Somaxconn)), Is.EqualTo((before[ours].Arp, before[ours].Somax)), "we put them back");
    }

    [Test]
    public void GosDelReadsOurBackupAndRestoresTheAttributes()
    {
        var ours = _sides.Ours;
        Veth(ours);
        var attrs = Attributes(ours);
        CniAssert.Success(Run(ours, "ADD", Conf(ours, Keys)));
        var goDel = ours.Net.Run(Binaries.GoPlugin("tuning"), "DEL", Conf(ours, Keys), ours.Container.Path, goPath: true);
        CniAssert.SilentSuccess(goDel);
        Assert.That((Attributes(ours), File.Exists(Backup(ours))), Is.EqualTo((attrs, false)));
        Assert.That(Sysctl(ours, Somaxconn), Is.EqualTo("1234"), "Go's DEL restores no sysctl, ours in its file included");
    }

    [Test]
    public void OurDelReadsGosBackup()
    {
        var go = _sides.Go;
        Veth(go);
        var attrs = Attributes(go);
        CniAssert.Success(Run(go, "ADD", Conf(go, Keys)));
        var ourDel = go.Net.Run(Binaries.Applet("tuning"), "DEL", Conf(go, Keys), go.Container.Path);
        CniAssert.SilentSuccess(ourDel);
        Assert.That((Attributes(go), File.Exists(Backup(go))), Is.EqualTo((attrs, false)));
    }

    [Test]
    public void CheckFailuresAreWordedAsGos()
    {
        var texts = new List<string>();
        foreach (var side in _sides.Both)
        {
            Veth(side);
            var conf = Conf(side, ",\"sysctl\":{\"net.core.somaxconn\":\"1234\"},\"mtu\":1400,\"mac\":\"" + NewMac + "\"");
            var check = CniJson.WithPrevResult(conf, CniAssert.Success(Run(side, "ADD", conf)).GetRawText());
            CniAssert.SilentSuccess(Run(side, "CHECK", check));
            side.Container.IpIn("link", "set", "eth0", "mtu", "1300");
            texts.Add(CniAssert.Error(Run(side, "CHECK", check), 999));
            side.Container.IpIn("link", "set", "eth0", "mtu", "1400", "address", StartMac);
            texts.Add(CniAssert.Error(Run(side, "CHECK", check), 999));
            side.Container.IpIn("link", "set", "eth0", "address", NewMac, "promisc", "on");
            texts.Add(CniAssert.Error(Run(side, "CHECK", check), 999));
            TestNetns.Ip("netns", "exec", side.Container.Name, "sh", "-c", $"echo 1235 > {Somaxconn}");
            texts.Add(CniAssert.Error(Run(side, "CHECK", check), 999));
        }
        Assert.That(texts.Skip(4), Is.EqualTo(texts.Take(4)));
        Assert.That(texts[0], Is.EqualTo("Error: Tuning configured MTU of eth0 is 1400, current value is 1300"));
    }

    [Test]
    public void CheckOfAnIfnameKeyIsNewerThanGo111()
    {
        var checks = new Dictionary<PluginSide, ProcessResult>();
        foreach (var side in _sides.Both)
        {
            Veth(side);
            var conf = Conf(side, ",\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_notify\":\"1\"}");
            checks[side] = Run(side, "CHECK", CniJson.WithPrevResult(conf, CniAssert.Success(Run(side, "ADD", conf)).GetRawText()));
        }
        Assert.That(CniAssert.Error(checks[_sides.Go], 999), Is.EqualTo("open /proc/sys/net/ipv4/conf/IFNAME/arp_notify: no such file or directory"),
            "1.1.1's CHECK reads the key without replacing IFNAME");
        CniAssert.SilentSuccess(checks[_sides.Ours]);
    }

    [Test]
    public void TxQLenIsNewerThanGo111()
    {
        foreach (var side in _sides.Both)
        {
            Veth(side);
            CniAssert.Success(Run(side, "ADD", Conf(side, ",\"txQLen\":500")));
        }
        Assert.That(Attributes(_sides.Go), Does.EndWith("txqlen=1000"), "1.1.1 ignores the key (it came with 1.4.0)");
        Assert.That(Attributes(_sides.Ours), Does.EndWith("txqlen=500"));
    }

    [Test]
    public void AnIfnameWithADotBreaksGo111sIfnameKeysAndWorksForUs()
    {
        const string ifName = "cbttu0.5";
        var results = new Dictionary<PluginSide, ProcessResult>();
        foreach (var side in _sides.Both)
        {
            side.Container.IpIn("link", "add", ifName, "type", "veth", "peer", "name", "cbttu1");
            results[side] = Run(side, "ADD", Conf(side, ",\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_notify\":\"1\"}", ifName), ifName);
        }
        Assert.That(CniAssert.Error(results[_sides.Go], 999),
            Is.EqualTo("open /proc/sys/net/ipv4/conf/cbttu0/5/arp_notify: no such file or directory"), "Go 1.1.1 turns the ifname's dot into a slash");
        CniAssert.Success(results[_sides.Ours]);
        Assert.That(Sysctl(_sides.Ours, "/proc/sys/net/ipv4/conf/cbttu0.5/arp_notify"), Is.EqualTo("1"));
    }

    public static IEnumerable<TestCaseData> BadInputs()
    {
        yield return new TestCaseData(",\"mac\":\"zz\"", "invalid args zz for MAC addr: address zz: invalid MAC address", 7).SetName("InvalidMac");
        yield return new TestCaseData(",\"mtu\":\"x\"", "failed to load netconf: json: cannot unmarshal string into Go struct field TuningConf.mtu of type int", 6).SetName("MtuOfTheWrongType");
        yield return new TestCaseData(",\"sysctl\":{\"net.ipv4.nonexistent\":\"1\"}", "open /proc/sys/net/ipv4/nonexistent: no such file or directory", 999).SetName("MissingSysctl");
        yield return new TestCaseData(",\"mtu\":1400,\"noPrev\":1", "Required prevResult missing", 999).SetName("NoPrevResult");
    }

    [TestCaseSource(nameof(BadInputs))]
    public void BadInputsGetGosTextWithOurCode(string keys, string message, int ourCode)
    {
        foreach (var side in _sides.Both)
        {
            Veth(side);
            var conf = Conf(side, keys, withPrev: !keys.Contains("noPrev"));
            Assert.That(CniAssert.Error(Run(side, "ADD", conf), side.IsGo ? 999 : ourCode), Is.EqualTo(message), side.Label);
        }
    }

    [Test]
    public void SysctlKeyTextsFollowUpstream191()
    {
        // 1.1.1 quotes the key as written and reports wrong sysctl types through parseConf; 1.9.1 (and we) quote the
        // slash form and meet the duplicate-key decoder first.
        var texts = new Dictionary<PluginSide, (string Key, string Type)>();
        foreach (var side in _sides.Both)
        {
            Veth(side);
            var key = Run(side, "ADD", Conf(side, ",\"sysctl\":{\"kernel.hostname\":\"x\"}"));
            var type = Run(side, "ADD", Conf(side, ",\"sysctl\":{\"net.a\":1}"));
            texts[side] = (CniAssert.Error(key, side.IsGo ? 999 : 7), CniAssert.Error(type, side.IsGo ? 999 : 6));
        }
        Assert.That(texts[_sides.Go], Is.EqualTo(("invalid net sysctl key: \"kernel.hostname\"",
            "failed to load netconf: json: cannot unmarshal number into Go struct field TuningConf.sysctl of type string")));
        Assert.That(texts[_sides.Ours], Is.EqualTo(("invalid net sysctl key: \"kernel/hostname\"",
            "json: cannot unmarshal number into Go struct field sysctlCheck.sysctl of type string")));
    }
}
