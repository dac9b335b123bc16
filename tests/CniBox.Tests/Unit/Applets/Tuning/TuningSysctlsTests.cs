using System.Text;
using CniBox.Applets.Tuning;
using CniBox.Spec;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Unit.Applets.Tuning;

/// <summary>Sysctl keys to files (Go 1.9.1's getSysctlFilename) and the allowlist (validateSysctlConf).</summary>
public class TuningSysctlsTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDir() => _dir = Directory.CreateTempSubdirectory("cbt-tuning-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, true);

    [TestCase("net.core.somaxconn", "eth0", "net/core/somaxconn")]
    [TestCase("net.ipv4.conf.IFNAME.arp_notify", "eth0", "net/ipv4/conf/eth0/arp_notify")]
    [TestCase("net.ipv4.conf.IFNAME.arp_notify", "eth0.5", "net/ipv4/conf/eth0.5/arp_notify")]
    [TestCase("net/ipv6/conf/IFNAME/accept_ra", "vlan.10.2", "net/ipv6/conf/vlan.10.2/accept_ra")]
    [TestCase("net.IFNAME.IFNAME", "x", "net/x/IFNAME")]
    [TestCase("net.ipv4..ip_forward", "eth0", "net/ipv4/ip_forward")]
    [TestCase("net/ipv4/../../kernel", "eth0", "net/ipv4/kernel")]
    public void KeysBecomeFilesUnderProcSysNet(string key, string ifName, string file) =>
        Assert.That(TuningSysctls.FileOf(key, ifName), Is.EqualTo(file));

    [TestCase("kernel.hostname", "invalid net sysctl key: \"kernel/hostname\"")]
    [TestCase("net", "invalid net sysctl key: \"net\"")]
    [TestCase("netfilter.x", "invalid net sysctl key: \"netfilter/x\"")]
    [TestCase("IFNAME.x", "invalid net sysctl key: \"eth0/x\"")]
    public void KeysOutsideNetAreRefused(string key, string message)
    {
        var e = Assert.Throws<CniException>(() => TuningSysctls.FileOf(key, "eth0"))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.InvalidNetworkConfig, message)));
    }

    [Test]
    public void WithoutAnAllowlistFileEverySysctlIsAllowed() =>
        Assert.DoesNotThrow(() => TuningSysctls.CheckAllowlist([new("net.anything", "1")], Path.Combine(_dir, "allowlist.conf")));

    [Test]
    public void AnAllowlistTakesUnanchoredRegexesOneALineBlankLinesIgnored()
    {
        var list = Allowlist("^net\\.ipv4\\.conf\\.IFNAME\\.[a-z_]*$\n\n  somaxconn  \r\n");
        Assert.DoesNotThrow(() => TuningSysctls.CheckAllowlist(
            [new("net.ipv4.conf.IFNAME.arp_notify", "1"), new("net.core.somaxconn", "500")], list));
        var e = Assert.Throws<CniException>(() => TuningSysctls.CheckAllowlist(
            [new("net.core.somaxconn", "500"), new("net.ipv4.ip_forward", "1")], list))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.InvalidNetworkConfig,
            "Sysctl net.ipv4.ip_forward is not allowed. Only the following sysctls are allowed: [^net\\.ipv4\\.conf\\.IFNAME\\.[a-z_]*$ somaxconn]")));
    }

    [Test]
    public void AnEmptyAllowlistFileAllowsNothing()
    {
        var e = Assert.Throws<CniException>(() => TuningSysctls.CheckAllowlist([new("net.core.somaxconn", "1")], Allowlist("\n")))!;
        Assert.That(e.Msg, Is.EqualTo("Sysctl net.core.somaxconn is not allowed. Only the following sysctls are allowed: []"));
    }

    [Test]
    public void AnInvalidRegexIsAnError()
    {
        var e = Assert.Throws<CniException>(() => TuningSysctls.CheckAllowlist([new("net.a", "1")], Allowlist("net.(a")))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCode.Internal));
        Assert.That(e.Msg, Does.StartWith("error parsing regexp: "));
    }

    [Test]
    public void AnInvalidRegexKeepsGoWording()
    {
        var e = Assert.Throws<CniException>(() => TuningSysctls.CheckAllowlist([new("net.a", "1")], Allowlist("a**")))!;
        Assert.That(e.Msg, Is.EqualTo("error parsing regexp: invalid nested repetition operator: `**`"));
    }

    [Test]
    public void SyntaxBeyondTheSupportedSubsetNamesItsLine()
    {
        var list = Allowlist("^net\\.core\\.\n\n(?i)^NET\\.\n");
        var e = Assert.Throws<CniException>(() => TuningSysctls.CheckAllowlist([new("net.core.x", "1")], list))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.Internal, $"{list} line 3: unsupported regexp syntax (group flags): `(?i)`")));
    }

    [Test]
    public void OnlyAddChecksTheAllowlistAndItSeesArgsCniSysctlToo()
    {
        var list = Allowlist("^net\\.core\\.");
        var conf = Encoding.UTF8.GetBytes("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"tuning\",\"sysctl\":{\"net.core.somaxconn\":\"5\"}," +
            "\"args\":{\"cni\":{\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}}");
        var e = Assert.Throws<CniException>(() => TuningConfig.Parse(conf, "", CniCommand.Add, list))!;
        Assert.That(e.Msg, Does.StartWith("Sysctl net.ipv4.ip_forward is not allowed."));
        Assert.DoesNotThrow(() => TuningConfig.Parse(conf, "", CniCommand.Check, list));
        Assert.DoesNotThrow(() => TuningConfig.Parse(conf, "", CniCommand.Del, list));
    }

    private string Allowlist(string text)
    {
        var path = Path.Combine(_dir, "allowlist.conf");
        File.WriteAllText(path, text);
        return path;
    }
}
