using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using CniBox.Applets.Firewall;
using CniBox.Applets.Portmap;
using CniBox.Applets.Tuning;
using CniBox.Spec.Addressing;
using CniBox.Spec.Results;
using CniBox.Spec.Runtime;
using CniBox.Tests.Support;

namespace CniBox.Tests.Processes;

/// <summary>
/// The files our plugins leave under /var/lib/cni and /run/cni get Go's modes or tighter, also when the runtime runs
/// them with umask 0: host-local's store side by side with Debian's Go host-local; portmap's registry and firewall's
/// records (ours only) with host-local's 0755/0644; tuning's backups and the libcni result cache with Go's 0700/0600.
/// Nothing is group or world writable.
/// </summary>
[NonParallelizable]
public sealed class StateFileModesTests
{
    private const UnixFileMode GroupOrOtherWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
    private const UnixFileMode HostLocalDir = (UnixFileMode)0b111_101_101;
    private const UnixFileMode HostLocalFile = (UnixFileMode)0b110_100_100;
    private const UnixFileMode Private = (UnixFileMode)0b111_000_000;

    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("cbthz-modes-").FullName;

    [TearDown]
    public void RemoveRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public void HostLocalStoreModesAreGosOrTighter()
    {
        TestNetns.RequireRoot();
        Binaries.RequirePublished();
        var ours = HostLocalModes(Binaries.AppletDir, "ours");
        var go = HostLocalModes("/usr/lib/cni", "go");
        Assert.That(ours.Keys, Is.EquivalentTo(go.Keys));
        foreach (var (path, mode) in ours)
            Assert.That(mode & ~go[path], Is.EqualTo((UnixFileMode)0), $"{path}: ours {mode}, Go's {go[path]}");
        Assert.That(ours.Values.Where(m => (m & GroupOrOtherWrite) != 0), Is.Empty);
    }

    [Test]
    public void PortmapRegistryAndFirewallRecordsUseHostLocalsModesUnderUmaskZero()
    {
        WithUmaskZero(() =>
        {
            new PortmapRegistry(Path.Combine(_root, "portmap")).Record("cbthznet", "cbthzctr");
            new FirewallRecords(Path.Combine(_root, "firewall")).Write(
                new FirewallRecord("cbthznet", "cbthzctr", "eth0", "iptables", "cbthz0", IngressPolicy.Open, [IpNet.Parse("10.199.154.5/24")]));
        });
        AssertModes(HostLocalDir, HostLocalFile);
    }

    [Test]
    public void TuningBackupAndResultCacheArePrivateUnderUmaskZero()
    {
        var backup = TuningBackup.Parse("""{"mac":"aa:bb:cc:dd:ee:ff","mtu":1500,"previousSysctls":{}}"""u8.ToArray());
        Assert.That(backup, Is.Not.Null);
        var result = CniResult.Parse("""{"cniVersion":"1.0.0","ips":[{"address":"10.199.154.5/24"}]}"""u8);
        WithUmaskZero(() =>
        {
            backup!.Write(TuningBackup.PathFor(Path.Combine(_root, "tuning"), "cbthzctr", "eth0"), "eth0");
            new ResultCache(Path.Combine(_root, "cache")).Save(result, Encoding.UTF8.GetBytes("{\"name\":\"cbthznet\"}"), "cbthznet",
                new RuntimeConf("cbthzctr", "/var/run/netns/cbthz", "eth0"));
        });
        AssertModes(Private, Private & ~UnixFileMode.UserExecute);
    }

    private void AssertModes(UnixFileMode dirMax, UnixFileMode fileMax)
    {
        var entries = Directory.GetFileSystemEntries(_root, "*", SearchOption.AllDirectories);
        Assert.That(entries.Count(File.Exists), Is.GreaterThanOrEqualTo(2), string.Join(", ", entries));
        foreach (var path in entries)
        {
            var mode = File.GetUnixFileMode(path);
            var max = Directory.Exists(path) ? dirMax : fileMax;
            Assert.That(mode & ~max, Is.EqualTo((UnixFileMode)0), $"{path}: {mode}, at most {max}");
        }
    }

    /// <summary>One ADD of host-local from <paramref name="pluginDir"/> under umask 0; the modes by relative path.</summary>
    private Dictionary<string, UnixFileMode> HostLocalModes(string pluginDir, string name)
    {
        using var netns = new TestNetns("hz");
        var dataDir = Path.Combine(_root, name);
        var config = $$$"""{"cniVersion":"1.0.0","name":"cbthznet","type":"bridge","ipam":{"type":"host-local","subnet":"10.199.154.0/24","dataDir":"{{{dataDir}}}"}}""";
        var env = PluginProcess.Env("ADD", "cbthzctr", netns.Path, path: pluginDir);
        var run = PluginProcess.Run("sh", env, config, ["-c", "umask 0; exec \"$0\"", Path.Combine(pluginDir, "host-local")]);
        CniAssert.Success(run);
        return Directory.GetFileSystemEntries(dataDir, "*", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetRelativePath(dataDir, p), File.GetUnixFileMode);
    }

    private static void WithUmaskZero(Action write)
    {
        uint previous = umask(0);
        try
        {
            write();
        }
        finally
        {
            umask(previous);
        }
    }

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint umask(uint mask);
}
