using System.Text.Json;
using System.Text.Json.Nodes;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Tuning;

/// <summary>
/// The published tuning applet exec'd through its symlink inside a throwaway node netns, on a veth made in the
/// container netns with a hand-made prevResult (and once after our ptp): sysctls and link attributes written and
/// put back, the backup file, the MAC in the result, names with dots, DEL in every state the netns can be in.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class TuningIntegrationTests
{
    private const string Mac = "02:00:00:19:00:01";

    private NetHarness _net = null!;
    private TestNetns _container = null!;
    private string _dataDir = null!;
    private string _cid = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        _net = new NetHarness("tu");
        _container = _net.Container("tuc");
        _dataDir = Directory.CreateTempSubdirectory("cbt-tuning-").FullName;
        _cid = "cbt-tu-" + Guid.NewGuid().ToString("N")[..8];
    }

    [TearDown]
    public void Destroy()
    {
        _net.Dispose();
        Directory.Delete(_dataDir, true);
    }

    private string BackupFile(string ifName = "eth0") => Path.Combine(_dataDir, $"{_cid}_{ifName}.json");

    /// <summary>The interface a main plugin would have left: a veth end in the container, its peer in the node.</summary>
    private void ContainerVeth(string name = "eth0", string peer = "cbttu0") =>
        _container.IpIn("link", "add", name, "type", "veth", "peer", "name", peer, "netns", _net.Host.Name);

    private string Conf(string keys, string ifName = "eth0") =>
        $"{{\"cniVersion\":\"1.1.0\",\"name\":\"cbt-tuning\",\"type\":\"tuning\",\"dataDir\":\"{_dataDir}\"{keys}," +
        $"\"prevResult\":{{\"cniVersion\":\"1.1.0\",\"interfaces\":[{{\"name\":\"cbttu0\"}},{{\"name\":\"{ifName}\",\"mac\":\"{LinkMac(ifName)}\",\"sandbox\":\"{_container.Path}\"}}]," +
        "\"ips\":[{\"address\":\"10.199.192.2/24\",\"interface\":1}]}}";

    private ProcessResult Run(string verb, string conf, string? netns = null, string ifName = "eth0") =>
        _net.Run(Binaries.Applet("tuning"), verb, conf, netns ?? _container.Path, _cid, ifName);

    private string Sysctl(string file) => TestNetns.Ip("netns", "exec", _container.Name, "cat", file).Trim();

    private string LinkMac(string name) => NetHarness.Link(_container, name).GetProperty("address").GetString()!;

    /// <summary>mtu, mac, promisc, allmulti, txqlen as `ip -d -j link` reports them.</summary>
    private string Attributes(string name = "eth0")
    {
        var link = NetHarness.Link(_container, name);
        var flags = link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ToList();
        return $"mtu={link.GetProperty("mtu").GetInt32()} mac={link.GetProperty("address").GetString()} " +
            $"promisc={flags.Contains("PROMISC")} allmulti={flags.Contains("ALLMULTI")} txqlen={link.GetProperty("txqlen").GetInt32()}";
    }

    private const string ArpNotify = "/proc/sys/net/ipv4/conf/eth0/arp_notify";
    private const string Somaxconn = "/proc/sys/net/core/somaxconn";

    private const string EveryKey =
        ",\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_notify\":\"1\",\"net.core.somaxconn\":\"1234\"}," +
        "\"mac\":\"" + Mac + "\",\"mtu\":1400,\"promisc\":true,\"allmulti\":true,\"txQLen\":500";

    [Test]
    public void AddAppliesEverythingBacksItUpAndDelPutsItBack()
    {
        ContainerVeth();
        var (arp, somax, attrs, mac) = (Sysctl(ArpNotify), Sysctl(Somaxconn), Attributes(), LinkMac("eth0"));
        var conf = Conf(EveryKey);

        var result = CniAssert.Success(Run("ADD", conf));
        var interfaces = result.GetProperty("interfaces");
        Assert.That(interfaces[1].GetProperty("mac").GetString(), Is.EqualTo(Mac), "the container interface's MAC in the result");
        Assert.That(interfaces[0].TryGetProperty("mac", out _), Is.False, "the host interface is left as it was");
        Assert.That(result.GetProperty("ips")[0].GetProperty("address").GetString(), Is.EqualTo("10.199.192.2/24"));
        Assert.That((Sysctl(ArpNotify), Sysctl(Somaxconn)), Is.EqualTo(("1", "1234")));
        Assert.That(Attributes(), Is.EqualTo($"mtu=1400 mac={Mac} promisc=True allmulti=True txqlen=500"));

        Assert.That(File.ReadAllText(BackupFile()), Is.EqualTo(
            $"{{\n \"mac\": \"{mac}\",\n \"promisc\": false,\n \"mtu\": 1500,\n \"allmulti\": false,\n \"txQLen\": 1000,\n" +
            $" \"previousSysctls\": {{\n  \"{ArpNotify}\": \"{arp}\",\n  \"{Somaxconn}\": \"{somax}\"\n }}\n}}"));
        Assert.That(File.GetUnixFileMode(BackupFile()), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));

        CniAssert.SilentSuccess(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText())));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That((Sysctl(ArpNotify), Sysctl(Somaxconn), Attributes()), Is.EqualTo((arp, somax, attrs)));
        Assert.That(File.Exists(BackupFile()), Is.False);
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(Attributes(), Is.EqualTo(attrs));
    }

    [Test]
    public void AnIfnameWithADotWorksInIfnameSysctlKeys()
    {
        ContainerVeth("cbttu0.5", "cbttu1");
        const string file = "/proc/sys/net/ipv4/conf/cbttu0.5/arp_notify";
        var before = Sysctl(file);
        var conf = Conf(",\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_notify\":\"1\"},\"mtu\":1400", "cbttu0.5");

        var result = CniAssert.Success(Run("ADD", conf, ifName: "cbttu0.5"));
        Assert.That((Sysctl(file), Attributes("cbttu0.5")[..8]), Is.EqualTo(("1", "mtu=1400")));
        Assert.That(File.ReadAllText(BackupFile("cbttu0.5")), Does.Contain($"\"{file}\": \"{before}\""));
        CniAssert.SilentSuccess(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText()), ifName: "cbttu0.5"));
        CniAssert.SilentSuccess(Run("DEL", conf, ifName: "cbttu0.5"));
        Assert.That((Sysctl(file), Attributes("cbttu0.5")[..8]), Is.EqualTo((before, "mtu=1500")));
    }

    [Test]
    public void CheckReportsWhatDiffersInGosWords()
    {
        ContainerVeth();
        var conf = Conf(",\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_notify\":\"1\"},\"mtu\":1400,\"allmulti\":true,\"txQLen\":500");
        var check = CniJson.WithPrevResult(conf, CniAssert.Success(Run("ADD", conf)).GetRawText());
        CniAssert.SilentSuccess(Run("CHECK", check));

        TestNetns.Ip("netns", "exec", _container.Name, "sh", "-c", $"echo 2 > {ArpNotify}");
        Assert.That(CniAssert.Error(Run("CHECK", check), 999),
            Is.EqualTo($"Error: Tuning configured value of {ArpNotify} is 1, current value is 2"));
        TestNetns.Ip("netns", "exec", _container.Name, "sh", "-c", $"echo 1 > {ArpNotify}");
        _container.IpIn("link", "set", "eth0", "mtu", "1300");
        Assert.That(CniAssert.Error(Run("CHECK", check), 999), Is.EqualTo("Error: Tuning configured MTU of eth0 is 1400, current value is 1300"));
        _container.IpIn("link", "set", "eth0", "mtu", "1400", "promisc", "on");
        Assert.That(CniAssert.Error(Run("CHECK", check), 999), Is.EqualTo("Error: Tuning link eth0 configured promisc is false, current value is 1"));
        _container.IpIn("link", "set", "eth0", "promisc", "off", "allmulticast", "off");
        Assert.That(CniAssert.Error(Run("CHECK", check), 999),
            Is.EqualTo("Error: Tuning configured all-multicast mode of eth0 is true, current value is false"));
        _container.IpIn("link", "set", "eth0", "allmulticast", "on", "txqueuelen", "600");
        Assert.That(CniAssert.Error(Run("CHECK", check), 999),
            Is.EqualTo("Error: Tuning configured Transmit Queue Length of eth0 is 500, current value is 600"));
        _container.IpIn("link", "del", "eth0");
        Assert.That(CniAssert.Error(Run("CHECK", check), 999), Does.StartWith("open /proc/sys/net/ipv4/conf/eth0/arp_notify: "));
    }

    [Test]
    public void DelWithAnEmptyNetnsKeepsTheBackupForTheDelWithTheNetns()
    {
        ContainerVeth();
        var attrs = Attributes();
        var conf = Conf(",\"mtu\":1400");
        CniAssert.Success(Run("ADD", conf));
        CniAssert.SilentSuccess(Run("DEL", conf, netns: ""));
        Assert.That((File.Exists(BackupFile()), Attributes()[..8]), Is.EqualTo((true, "mtu=1400")));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That((File.Exists(BackupFile()), Attributes()), Is.EqualTo((false, attrs)));
    }

    [Test]
    public void DelAfterTheNetnsIsGoneRemovesTheBackup()
    {
        ContainerVeth();
        var conf = Conf(",\"sysctl\":{\"net.core.somaxconn\":\"1234\"},\"mtu\":1400");
        CniAssert.Success(Run("ADD", conf));
        var gone = _container.Path;
        _container.Dispose();
        CniAssert.SilentSuccess(Run("DEL", conf, netns: gone));
        Assert.That(File.Exists(BackupFile()), Is.False);
        CniAssert.SilentSuccess(Run("DEL", conf, netns: gone));
    }

    [Test]
    public void DelAfterTheLinkIsGoneStillRestoresTheNamespacesSysctls()
    {
        ContainerVeth();
        var somax = Sysctl(Somaxconn);
        var conf = Conf(",\"sysctl\":{\"net.core.somaxconn\":\"1234\",\"net.ipv4.conf.IFNAME.arp_notify\":\"1\"},\"mtu\":1400");
        CniAssert.Success(Run("ADD", conf));
        _container.IpIn("link", "del", "eth0");
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That((Sysctl(Somaxconn), File.Exists(BackupFile())), Is.EqualTo((somax, false)));
    }

    [Test]
    public void AFailedAddLeavesNothingChangedAndNoBackup()
    {
        ContainerVeth();
        var (arp, attrs) = (Sysctl(ArpNotify), Attributes());
        var conf = Conf(",\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_notify\":\"1\"},\"mac\":\"" + Mac + "\",\"promisc\":true,\"mtu\":70000");
        Assert.That(CniAssert.Error(Run("ADD", conf), 999), Does.StartWith("failed to set MTU of \"eth0\" to 70000: "));
        Assert.That((Sysctl(ArpNotify), Attributes(), File.Exists(BackupFile())), Is.EqualTo((arp, attrs, false)));

        var missing = Conf(",\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_notify\":\"1\",\"net.ipv4.nonexistent\":\"1\"}");
        Assert.That(CniAssert.Error(Run("ADD", missing), 999), Is.EqualTo("open /proc/sys/net/ipv4/nonexistent: no such file or directory"));
        Assert.That((Sysctl(ArpNotify), File.Exists(BackupFile())), Is.EqualTo((arp, false)));
    }

    [Test]
    public void AWriteOnlySysctlIsWrittenWithNothingToBackUp()
    {
        ContainerVeth();
        var conf = Conf(",\"sysctl\":{\"net.ipv4.route.flush\":\"1\"}");
        CniAssert.Success(Run("ADD", conf));
        Assert.That(File.Exists(BackupFile()), Is.False);
        CniAssert.SilentSuccess(Run("DEL", conf));
    }

    [Test]
    public void ChainedAfterPtpTheResultIsPtpsWithTheNewMac()
    {
        var ptp = NetHarness.Conf("ptp", "1.0.0", _net.HostLocal("10.199.191.0/24"));
        var ptpResult = CniAssert.Success(_net.Run(Binaries.Applet("ptp"), "ADD", ptp, _container.Path, _cid));
        var conf = $"{{\"cniVersion\":\"1.0.0\",\"name\":\"cbt-net\",\"type\":\"tuning\",\"dataDir\":\"{_dataDir}\",\"mac\":\"{Mac}\",\"prevResult\":{ptpResult.GetRawText()}}}";

        var result = CniAssert.Success(Run("ADD", conf));
        var expected = WithMac(ptpResult, "eth0", Mac);
        Assert.That(CniJson.Canonical(result.GetRawText()), Is.EqualTo(CniJson.Canonical(expected)));
        Assert.That(LinkMac("eth0"), Is.EqualTo(Mac));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(LinkMac("eth0"), Is.EqualTo(ptpResult.GetProperty("interfaces").EnumerateArray()
            .First(i => i.GetProperty("name").GetString() == "eth0").GetProperty("mac").GetString()));
        CniAssert.SilentSuccess(_net.Run(Binaries.Applet("ptp"), "DEL", ptp, _container.Path, _cid));
    }

    /// <summary>The result a chained tuning must print: ptp's, with every interface named eth0 given the new MAC.</summary>
    private static string WithMac(JsonElement result, string ifName, string mac)
    {
        var node = JsonNode.Parse(result.GetRawText())!;
        foreach (var iface in node["interfaces"]!.AsArray())
            if ((string?)iface!["name"] == ifName) iface["mac"] = mac;
        return node.ToJsonString();
    }
}
