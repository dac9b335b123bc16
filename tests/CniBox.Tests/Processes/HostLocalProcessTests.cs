using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Processes;

/// <summary>
/// The published binary's <c>host-local</c> symlink run as a runtime runs it, with the store in a temp dataDir.
/// </summary>
public class HostLocalProcessTests
{
    private static readonly string[] AllVersions = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];
    private const string V4 = "'ranges':[[{'subnet':'10.1.0.0/24'}]]";
    private const string DualStack = "'ranges':[[{'subnet':'10.1.0.0/24'}],[{'subnet':'2001:db8::/64'}]],'routes':[{'dst':'0.0.0.0/0'}]";

    private HostLocalStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        Binaries.RequirePublished();
        _store = new HostLocalStore();
    }

    [TearDown]
    public void TearDown() => _store.Dispose();

    private static string Plugin => Binaries.Applet("host-local");

    private ProcessResult Run(string command, string conf, string cid = "c1", string ifName = "eth0", string? cniArgs = null) =>
        HostLocalStore.Run(Plugin, command, conf, cid, ifName, cniArgs);

    private static JsonElement Ok(ProcessResult r) => CniAssert.Success(r);

    [TestCaseSource(nameof(AllVersions))]
    public void AddCheckDelInEveryVersion(string version)
    {
        var conf = _store.Conf(version, DualStack);
        var result = Ok(Run("ADD", conf));
        Assert.That(result.GetProperty("cniVersion").GetString(), Is.EqualTo(version));
        Assert.That(result.TryGetProperty("interfaces", out _), Is.False, "IPAM results carry no interfaces");
        if (version is "0.1.0" or "0.2.0")
        {
            Assert.That(result.GetProperty("ip4").GetProperty("ip").GetString(), Is.EqualTo("10.1.0.2/24"));
            Assert.That(result.GetProperty("ip4").GetProperty("gateway").GetString(), Is.EqualTo("10.1.0.1"));
            Assert.That(result.GetProperty("ip6").GetProperty("ip").GetString(), Is.EqualTo("2001:db8::2/64"));
            Assert.That(result.GetProperty("ip4").GetProperty("routes")[0].GetProperty("dst").GetString(), Is.EqualTo("0.0.0.0/0"));
        }
        else
        {
            var ips = result.GetProperty("ips").EnumerateArray().ToList();
            Assert.That(ips.Select(i => i.GetProperty("address").GetString()), Is.EqualTo(new[] { "10.1.0.2/24", "2001:db8::2/64" }));
            Assert.That(ips.Select(i => i.GetProperty("gateway").GetString()), Is.EqualTo(new[] { "10.1.0.1", "2001:db8::1" }));
            Assert.That(ips.Any(i => i.TryGetProperty("interface", out _)), Is.False, "no ips[].interface from IPAM");
            Assert.That(result.GetProperty("routes")[0].GetProperty("dst").GetString(), Is.EqualTo("0.0.0.0/0"));
        }
        Assert.That(HostLocalStore.Describe(_store.Snapshot()), Is.EqualTo(
            "10.1.0.2=c1\\r\\neth0\n2001:db8::2=c1\\r\\neth0\nlast_reserved_ip.0=10.1.0.2\nlast_reserved_ip.1=2001:db8::2\nlock="));
        Assert.That(File.ReadAllBytes(Path.Join(_store.NetDir, "10.1.0.2")), Is.EqualTo("c1\r\neth0"u8.ToArray()), "no newline");

        if (version is not ("0.1.0" or "0.2.0" or "0.3.0" or "0.3.1"))
            CniAssert.SilentSuccess(Run("CHECK", conf));
        else
            Assert.That(CniAssert.Error(Run("CHECK", conf), 1), Is.EqualTo("config version does not allow CHECK"));

        CniAssert.SilentSuccess(Run("DEL", conf));
        Assert.That(_store.Snapshot().Keys, Is.EqualTo(new[] { "last_reserved_ip.0", "last_reserved_ip.1", "lock" }));
        CniAssert.SilentSuccess(Run("DEL", conf));
        if (version is "0.4.0" or "1.0.0" or "1.1.0")
            Assert.That(CniAssert.Error(Run("CHECK", conf), 999), Is.EqualTo("host-local: Failed to find address added by container c1"));
        if (version == "1.1.0")
        {
            CniAssert.SilentSuccess(Run("STATUS", conf));
            CniAssert.SilentSuccess(Run("GC", conf));
        }
        else
        {
            Assert.That(CniAssert.Error(Run("GC", conf), 1), Is.EqualTo("config version does not allow GC"));
            Assert.That(CniAssert.Error(Run("STATUS", conf), 1), Is.EqualTo("config version does not allow STATUS"));
        }
    }

    [Test]
    public void DuplicateAddFailsWhileAnotherIfnameSucceeds()
    {
        var conf = _store.Conf("1.0.0", V4);
        Ok(Run("ADD", conf));
        Assert.That(CniAssert.Error(Run("ADD", conf), 999),
            Is.EqualTo("failed to allocate for range 0: 10.1.0.2 has been allocated to c1, duplicate allocation is not allowed"));
        Assert.That(Ok(Run("ADD", conf, ifName: "eth1")).GetProperty("ips")[0].GetProperty("address").GetString(), Is.EqualTo("10.1.0.3/24"));
        CniAssert.SilentSuccess(Run("DEL", conf, ifName: "eth0"));
        Assert.That(_store.Allocations(), Is.EqualTo(new Dictionary<string, string> { ["10.1.0.3"] = "c1\r\neth1" }));
        // Spec assertion 58: the next ADD continues after the last reserved IP, not at the freed one.
        Assert.That(Ok(Run("ADD", conf, cid: "c2")).GetProperty("ips")[0].GetProperty("address").GetString(), Is.EqualTo("10.1.0.4/24"));
    }

    [Test]
    public void DelOfAnUnknownIdSucceedsAndTouchesNothing()
    {
        var conf = _store.Conf("1.0.0", V4);
        Ok(Run("ADD", conf));
        var before = _store.Snapshot();
        CniAssert.SilentSuccess(Run("DEL", conf, cid: "nobody"));
        CniAssert.SilentSuccess(Run("DEL", conf, cid: "c1", ifName: "eth9"));
        Assert.That(_store.Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void DelHonoursLegacyIdOnlyFiles()
    {
        var conf = _store.Conf("1.0.0", V4);
        Ok(Run("ADD", conf, cid: "other"));
        File.WriteAllText(Path.Join(_store.NetDir, "10.1.0.50"), "legacy\n");
        CniAssert.SilentSuccess(Run("DEL", conf, cid: "legacy"));
        Assert.That(_store.Allocations().Keys, Is.EqualTo(new[] { "10.1.0.2" }));
    }

    [Test]
    public void GcReleasesOnlyAttachmentsNotValid([Values("cni.dev/valid-attachments", "cni.dev/attachments")] string key)
    {
        var conf = _store.Conf("1.1.0", DualStack);
        Ok(Run("ADD", conf, cid: "keep"));
        Ok(Run("ADD", conf, cid: "gone"));
        Ok(Run("ADD", conf, cid: "keep", ifName: "eth1"));
        File.WriteAllText(Path.Join(_store.NetDir, "10.1.0.77"), "legacy");
        File.WriteAllText(Path.Join(_store.NetDir, "10.1.0.78"), "keep");
        var lockInode = Inode(Path.Join(_store.NetDir, "lock"));
        var lastBefore = _store.Snapshot().Where(f => f.Key.StartsWith("last_reserved_ip.")).ToList();

        var gc = _store.Conf("1.1.0", DualStack,
            $"'{key}':[{{'containerID':'keep','ifname':'eth0'}},{{'containerID':'keep','ifname':'eth1'}}]");
        CniAssert.SilentSuccess(Run("GC", gc));
        Assert.That(_store.Allocations().OrderBy(a => a.Key, StringComparer.Ordinal), Is.EqualTo(new Dictionary<string, string>
        {
            ["10.1.0.2"] = "keep\r\neth0",
            ["10.1.0.4"] = "keep\r\neth1",
            ["10.1.0.78"] = "keep",
            ["2001:db8::2"] = "keep\r\neth0",
            ["2001:db8::4"] = "keep\r\neth1",
        }.OrderBy(a => a.Key, StringComparer.Ordinal)));
        Assert.That(Inode(Path.Join(_store.NetDir, "lock")), Is.EqualTo(lockInode), "lock is never touched");
        Assert.That(_store.Snapshot().Where(f => f.Key.StartsWith("last_reserved_ip.")), Is.EqualTo(lastBefore));
    }

    [Test]
    public void GcWithoutAValidListReleasesEverything()
    {
        var conf = _store.Conf("1.1.0", V4);
        Ok(Run("ADD", conf, cid: "a"));
        Ok(Run("ADD", conf, cid: "b"));
        CniAssert.SilentSuccess(Run("GC", conf));
        Assert.That(_store.Snapshot().Keys, Is.EqualTo(new[] { "last_reserved_ip.0", "lock" }));
    }

    [Test]
    public void StatusIs50OnceARangeSetIsExhausted()
    {
        // 10.1.0.0/30 with gateway .1 leaves exactly one address (.2) in the v4 set.
        var conf = _store.Conf("1.1.0", "'ranges':[[{'subnet':'2001:db8::/64'}],[{'subnet':'10.1.0.0/30'}]]");
        CniAssert.SilentSuccess(Run("STATUS", conf));
        Ok(Run("ADD", conf, cid: "a"));
        Assert.That(CniAssert.Error(Run("STATUS", conf), 50), Is.EqualTo("no IP addresses available in range set: 10.1.0.1-10.1.0.2"));
        Assert.That(CniAssert.Error(Run("ADD", conf, cid: "b"), 999),
            Is.EqualTo("failed to allocate for range 1: no IP addresses available in range set: 10.1.0.1-10.1.0.2"));
        Assert.That(_store.Allocations().Values.Distinct(), Is.EqualTo(new[] { "a\r\neth0" }), "the failed ADD released its v6 address");
        CniAssert.SilentSuccess(Run("DEL", conf, cid: "a"));
        CniAssert.SilentSuccess(Run("STATUS", conf));
    }

    [Test]
    public void StatusIs50WhenTheDataDirCannotBeCreated()
    {
        var file = Path.Join(_store.DataDir, "not-a-dir");
        File.WriteAllText(file, "");
        var conf = _store.Conf("1.1.0", V4).Replace(_store.DataDir, file);
        var msg = CniAssert.Error(Run("STATUS", conf), 50);
        Assert.That(msg, Does.StartWith($"host-local: dataDir {file}/{HostLocalStore.Network} is unusable: mkdir {file}/{HostLocalStore.Network}: "));
        Assert.That(CniAssert.Error(Run("ADD", conf), 999), Does.StartWith($"mkdir {file}/{HostLocalStore.Network}: "));
    }

    [Test]
    public void StatusIs50WhenTheDataDirIsReadOnly()
    {
        TestNetns.RequireRoot();
        var conf = _store.Conf("1.1.0", V4);
        Ok(Run("ADD", conf));
        // A private mount namespace with the network directory bind-mounted read-only: the host's mounts stay as they are.
        var script = $"mount --bind '{_store.NetDir}' '{_store.NetDir}' && mount -o remount,bind,ro '{_store.NetDir}' && exec '{Plugin}'";
        var env = PluginProcess.Env("STATUS", "", "", "");
        var r = PluginProcess.Run("/usr/bin/unshare", env, conf, ["-m", "--propagation", "private", "/bin/sh", "-c", script]);
        Assert.That(CniAssert.Error(r, 50), Does.Contain("is unusable: open .tmp-").And.Contain("Read-only file system"));
        CniAssert.SilentSuccess(Run("STATUS", conf));
    }

    [TestCase("../escape")]
    [TestCase("a/b")]
    [TestCase("..")]
    public void NetworkNamesThatWouldEscapeTheDataDirAreRefusedBeforeTouchingIt(string name)
    {
        var conf = _store.Conf("1.0.0", V4, name: name);
        Assert.That(CniAssert.Error(Run("ADD", conf), 7), Does.StartWith("invalid characters found in network name"));
        Assert.That(Directory.EnumerateFileSystemEntries(_store.DataDir), Is.Empty);
        Assert.That(Directory.Exists(Path.Join(Path.GetDirectoryName(_store.DataDir)!, "escape")), Is.False);
    }

    [Test]
    public void RequestedIpsFromCniArgsArgsAndRuntimeConfig()
    {
        var ipam = "'ranges':[[{'subnet':'10.1.0.0/24'}],[{'subnet':'10.2.0.0/24'}],[{'subnet':'2001:db8::/64'}]]";
        var conf = _store.Conf("1.0.0", ipam,
            "'capabilities':{'ips':true},'args':{'cni':{'ips':['10.2.0.20']}},'runtimeConfig':{'ips':['2001:db8::30/64']}");
        var result = Ok(Run("ADD", conf, cniArgs: "IgnoreUnknown=1;K8S_POD_NAME=p;IP=10.1.0.10"));
        Assert.That(result.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("address").GetString()),
            Is.EqualTo(new[] { "10.1.0.10/24", "10.2.0.20/24", "2001:db8::30/64" }));
        Assert.That(_store.Allocations().Keys.Order(StringComparer.Ordinal), Is.EqualTo(new[] { "10.1.0.10", "10.2.0.20", "2001:db8::30" }));

        Assert.That(CniAssert.Error(Run("ADD", _store.Conf("1.0.0", V4), cid: "c2", cniArgs: "K8S_POD_NAME=p;IP=10.1.0.11"), 999),
            Is.EqualTo("ARGS: unknown args [\"K8S_POD_NAME=p\"]"));
        Assert.That(CniAssert.Error(Run("ADD", _store.Conf("1.0.0", V4), cid: "c2", cniArgs: "IP=10.1.0.10"), 999),
            Is.EqualTo("failed to allocate for range 0: requested IP address 10.1.0.10 is not available in range set 10.1.0.1-10.1.0.254"));
        Assert.That(CniAssert.Error(Run("ADD", _store.Conf("1.0.0", V4), cid: "c2", cniArgs: "IP=10.9.0.1"), 999),
            Is.EqualTo("failed to allocate all requested IPs: 10.9.0.1"));
        Assert.That(_store.Allocations().Count, Is.EqualTo(3), "failed ADDs leave nothing behind");
    }

    [Test]
    public void ResolvConfBecomesTheResultDns()
    {
        var resolv = Path.Join(_store.DataDir, "resolv.conf");
        File.WriteAllText(resolv, "# comment\nnameserver 10.0.0.53\nnameserver 2001:db8::53\ndomain example.com\nsearch a.example b.example\noptions ndots:2\n");
        var conf = _store.Conf("1.0.0", V4 + $",'resolvConf':'{resolv}'");
        var dns = Ok(Run("ADD", conf)).GetProperty("dns");
        Assert.That(dns.GetRawText().Replace(" ", "").Replace("\n", ""), Is.EqualTo(
            "{\"domain\":\"example.com\",\"nameservers\":[\"10.0.0.53\",\"2001:db8::53\"],\"options\":[\"ndots:2\"],\"search\":[\"a.example\",\"b.example\"]}"));
        var missing = _store.Conf("1.0.0", V4 + ",'resolvConf':'/nonexistent/resolv.conf'");
        Assert.That(CniAssert.Error(Run("ADD", missing, cid: "c2"), 999), Is.EqualTo("open /nonexistent/resolv.conf: no such file or directory"));
    }

    private static long Inode(string path)
    {
        var psi = new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return long.Parse(text.Trim());
    }
}
