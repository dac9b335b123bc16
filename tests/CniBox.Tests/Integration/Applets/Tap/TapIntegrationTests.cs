using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Tap;

/// <summary>
/// tap in a throwaway container netns (<c>cbt-hd-*</c>), checked against upstream's docs (Go 1.1.1 has no tap):
/// the device <c>ip -d link</c> reports is a persistent tap with vnet_hdr, no packet info, the owner, group, queue
/// mode, MAC, MTU and bridge asked for; DEL removes it.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class TapIntegrationTests
{
    private const string Bridge = "cbthdbr0";

    private TestNetns _container = null!;
    private string _cid = null!;

    [SetUp]
    public void Create()
    {
        Binaries.RequirePublished();
        _container = new TestNetns("hd");
        _cid = "cbt-hd-" + Guid.NewGuid().ToString("N")[..8];
    }

    [TearDown]
    public void Destroy() => _container.Dispose();

    private ProcessResult Run(string verb, string conf, string cniArgs = "")
    {
        var env = PluginProcess.Env(verb, _cid, _container.Path, "tap0", Binaries.AppletDir);
        if (cniArgs.Length > 0) env["CNI_ARGS"] = cniArgs;
        return PluginProcess.Run(Binaries.Applet("tap"), env, conf);
    }

    private static string Conf(string extra, string ipam = "") => NetHarness.Conf("tap", "1.1.0", ipam, extra);

    private JsonElement Tap() => NetHarness.Link(_container, "tap0");

    [Test]
    public void AddMakesThePersistentTapAskedForAndDelRemovesIt()
    {
        _container.IpIn("link", "add", Bridge, "type", "bridge");
        var conf = Conf($",\"mac\":\"02:00:00:19:da:02\",\"mtu\":1400,\"multiQueue\":true,\"owner\":1000,\"group\":1001,\"bridge\":\"{Bridge}\"",
            "{\"type\":\"static\",\"addresses\":[{\"address\":\"10.199.218.2/24\",\"gateway\":\"10.199.218.1\"}]}");
        var result = CniAssert.Success(Run("ADD", conf));
        Assert.That(result.GetProperty("interfaces")[0].GetProperty("mac").GetString(), Is.EqualTo("02:00:00:19:da:02"));
        var tap = Tap();
        var data = tap.GetProperty("linkinfo").GetProperty("info_data");
        Assert.That((data.GetProperty("type").GetString(), data.GetProperty("pi").GetBoolean(), data.GetProperty("vnet_hdr").GetBoolean(),
                data.GetProperty("multi_queue").GetBoolean(), data.GetProperty("persist").GetBoolean()),
            Is.EqualTo(("tap", false, true, true, true)));
        // ip prints the owner's name where the node has one.
        Assert.That((data.GetProperty("user").ToString(), data.GetProperty("group").ToString()),
            Is.EqualTo((NameOf("/etc/passwd", 1000), NameOf("/etc/group", 1001))));
        Assert.That((tap.GetProperty("address").GetString(), tap.GetProperty("mtu").GetInt32(), tap.GetProperty("master").GetString()),
            Is.EqualTo(("02:00:00:19:da:02", 1400, Bridge)));
        Assert.That(tap.GetProperty("flags").EnumerateArray().Select(f => f.GetString()), Does.Contain("UP"));
        Assert.That(_container.IpIn("addr", "show", "dev", "tap0"), Does.Contain("inet 10.199.218.2/24"));
        Assert.That(Sysctl("net.ipv4.conf.tap0.arp_notify"), Is.EqualTo("1"));

        CniAssert.SilentSuccess(Run("CHECK", CniJson.WithPrevResult(conf, result.GetRawText())));
        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(NetHarness.Links(_container), Is.EqualTo(new[] { Bridge }));
        CniAssert.SilentSuccess(Run("DEL", conf));
    }

    [Test]
    public void WithoutOwnerOrQueuesTheTapIsSingleQueueAndOwnerless()
    {
        CniAssert.Success(Run("ADD", Conf("")));
        var data = Tap().GetProperty("linkinfo").GetProperty("info_data");
        Assert.That((data.GetProperty("multi_queue").GetBoolean(), data.TryGetProperty("user", out _), data.TryGetProperty("group", out _)),
            Is.EqualTo((false, false, false)));
        Assert.That(Tap().GetProperty("flags").EnumerateArray().Select(f => f.GetString()), Does.Contain("UP"), "L2 only: up, no address");
        Assert.That(_container.IpIn("addr", "show", "dev", "tap0"), Does.Not.Contain("inet "));
    }

    [Test]
    public void CniArgsMacIsUsed()
    {
        CniAssert.Success(Run("ADD", Conf(",\"mac\":\"02:00:00:19:da:03\""), "MAC=02:00:00:19:da:04"));
        Assert.That(Tap().GetProperty("address").GetString(), Is.EqualTo("02:00:00:19:da:04"));
    }

    [Test]
    public void SelinuxContextWithoutSelinuxIsANoOpThatSaysSo()
    {
        Assume.That(File.Exists("/sys/fs/selinux/enforce"), Is.False, "SELinux is enabled here");
        var add = Run("ADD", Conf(",\"selinuxContext\":\"system_u:system_r:container_t:s0\""));
        CniAssert.Success(add);
        Assert.That(add.Stderr, Does.Contain("selinuxContext system_u:system_r:container_t:s0 ignored: SELinux is not enabled"));
    }

    [TestCase(",\"bridge\":\"cbthd-nobr\"", "failed to get bridge \"cbthd-nobr\": link not found")]
    [TestCase(",\"bridge\":\"cbthdv0\"", "\"cbthdv0\" is not a bridge (kind veth)")]
    [TestCase(",\"mtu\":70000", "failed to set MTU 70000 on the tap: ")]
    public void AFailedAddLeavesNoTap(string extra, string message)
    {
        _container.IpIn("link", "add", "cbthdv0", "type", "veth", "peer", "name", "cbthdv1");
        Assert.That(CniAssert.Error(Run("ADD", Conf(extra)), 999), Does.StartWith(message));
        Assert.That(NetHarness.Links(_container), Is.EquivalentTo(new[] { "cbthdv0", "cbthdv1" }));
    }

    [Test]
    public void ATakenNameIsRefusedBeforeAnythingIsMade()
    {
        _container.IpIn("link", "add", "tap0", "type", "bridge");
        Assert.That(CniAssert.Error(Run("ADD", Conf("")), 999), Is.EqualTo("failed to rename tap to \"tap0\": file exists"));
        Assert.That(NetHarness.Links(_container), Is.EqualTo(new[] { "tap0" }));
    }

    [Test]
    public void BadInputsWithGosCodes()
    {
        Assert.That(CniAssert.Error(Run("ADD", Conf(",\"owner\":-1")), 6),
            Is.EqualTo("failed to load netconf: json: cannot unmarshal number -1 into Go struct field NetConf.owner of type uint32"));
        Assert.That(CniAssert.Error(Run("ADD", Conf(",\"mac\":\"nope\"")), 7), Is.EqualTo("invalid args nope for MAC addr: address nope: invalid MAC address"));
        Assert.That(NetHarness.Links(_container), Is.Empty);
    }

    /// <summary>The name /etc/passwd or /etc/group gives <paramref name="id"/>, else the number.</summary>
    private static string NameOf(string file, int id) =>
        File.ReadLines(file).Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 2 && f[2] == id.ToString())?[0] ?? id.ToString();

    private string Sysctl(string key) =>
        TestNetns.Ip("netns", "exec", _container.Name, "sysctl", "-n", key).Trim();
}
