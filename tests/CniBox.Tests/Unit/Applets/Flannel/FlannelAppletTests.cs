using System.Text;
using CniBox.Applets.Flannel;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit.Applets.Flannel;

/// <summary>
/// The applet's verbs in memory, the delegate a recording in-process plugin found in a temp CNI_PATH: what is saved,
/// what the delegate gets, DEL's replay, GC and STATUS.
/// </summary>
public class FlannelAppletTests
{
    private string _dir = "";
    private string SubnetFile => Path.Combine(_dir, "subnet.env");
    private string DataDir => Path.Combine(_dir, "data");
    private string BinDir => Path.Combine(_dir, "bin");
    private readonly List<(CniCommand Command, string Stdin)> _calls = [];

    private sealed class Recorder(List<(CniCommand, string)> calls) : IInProcessPlugin
    {
        public CniResult? Handle(PluginCall call)
        {
            calls.Add((call.Command, Encoding.UTF8.GetString(call.StdinData)));
            return call.Command == CniCommand.Add
                ? CniResult.Parse("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.199.64.2/24\",\"gateway\":\"10.199.64.1\"}]}"u8.ToArray(), "1.0.0")
                : null;
        }
    }

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("cbt-fl-unit-").FullName;
        Directory.CreateDirectory(BinDir);
        File.WriteAllText(Path.Combine(BinDir, "bridge"), "");
        File.WriteAllText(SubnetFile, "FLANNEL_NETWORK=10.199.64.0/18\nFLANNEL_SUBNET=10.199.64.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n");
        _calls.Clear();
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private InMemorySkel.Outcome Run(string command, string extra = "", string containerId = "c1", string version = "1.1.0",
        string netns = "/var/run/netns/x")
    {
        var applet = new FlannelApplet(new DelegateRunner(t => t == "bridge" ? new Recorder(_calls) : null, _ => true));
        var env = InMemorySkel.Env(command, netns);
        env["CNI_PATH"] = BinDir;
        env["CNI_CONTAINERID"] = containerId;
        var conf = $"{{\"cniVersion\":\"{version}\",\"name\":\"cbr0\",\"type\":\"flannel\",\"subnetFile\":\"{SubnetFile}\",\"dataDir\":\"{DataDir}\"{extra}}}";
        return InMemorySkel.Run(applet, env, conf, name: "flannel");
    }

    private const string Delegate =
        "{\"cniVersion\":\"1.1.0\",\"ipMasq\":false,\"ipam\":{\"ranges\":[[{\"subnet\":\"10.199.64.0/24\"}]],\"routes\":[{\"dst\":\"10.199.64.0/18\"}]," +
        "\"type\":\"host-local\"},\"isGateway\":true,\"mtu\":1450,\"name\":\"cbr0\",\"type\":\"bridge\"}";

    [Test]
    public void AddSavesTheDelegate0600AndPrintsItsResult()
    {
        var add = Run("ADD");
        Assert.That(add.Exit, Is.EqualTo(0), add.Stdout);
        Assert.That(add.Stdout, Does.Contain("\"address\": \"10.199.64.2/24\""));
        Assert.That(_calls, Is.EqualTo(new[] { (CniCommand.Add, Delegate) }));
        var saved = Path.Combine(DataDir, "c1");
        Assert.That((File.ReadAllText(saved), File.GetUnixFileMode(saved), File.GetUnixFileMode(DataDir)), Is.EqualTo(
            (Delegate, UnixFileMode.UserRead | UnixFileMode.UserWrite, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)));
    }

    [Test]
    public void DelReplaysTheSavedDelegateAfterSubnetEnvIsGoneThenSucceedsWithoutIt()
    {
        Run("ADD");
        File.Delete(SubnetFile);
        Assert.That(Run("DEL").Exit, Is.EqualTo(0));
        Assert.That(_calls[1], Is.EqualTo((CniCommand.Del, Delegate)));
        Assert.That(File.Exists(Path.Combine(DataDir, "c1")), Is.False);
        Assert.That((Run("DEL").Exit, _calls.Count), Is.EqualTo((0, 2)));
    }

    [Test]
    public void DelWithoutNetnsReplaysAndKeepsTheFileForTheRetryWithIt()
    {
        Run("ADD");
        Assert.That(Run("DEL", netns: "").Exit, Is.EqualTo(0));
        Assert.That(File.Exists(Path.Combine(DataDir, "c1")), Is.True);
        Assert.That(Run("DEL").Exit, Is.EqualTo(0));
        Assert.That((_calls.Select(c => c.Command), File.Exists(Path.Combine(DataDir, "c1"))),
            Is.EqualTo((new[] { CniCommand.Add, CniCommand.Del, CniCommand.Del }, false)));
    }

    [Test]
    public void DelOfAnUnparsableFileSucceedsAndLeavesIt()
    {
        Directory.CreateDirectory(DataDir);
        File.WriteAllText(Path.Combine(DataDir, "c1"), "{not json");
        Assert.That((Run("DEL").Exit, _calls.Count, File.Exists(Path.Combine(DataDir, "c1"))), Is.EqualTo((0, 0, true)));
    }

    [Test]
    public void AddWithoutSubnetEnvIsFlannelsErrorAndCallsNoDelegate()
    {
        File.Delete(SubnetFile);
        Assert.That(Run("ADD").Error(), Is.EqualTo((999,
            $"failed to load flannel 'subnet.env' file: open {SubnetFile}: no such file or directory. Check the flannel pod log for this node.")));
        Assert.That((_calls.Count, Directory.Exists(DataDir)), Is.EqualTo((0, false)));
    }

    [Test]
    public void BadDelegateIsCode999AndSavesNothing()
    {
        Assert.That(Run("ADD", ",\"delegate\":{\"name\":\"x\"}").Error(),
            Is.EqualTo((999, "'delegate' dictionary must not have 'name' field, it'll be set by flannel")));
        Assert.That(Run("ADD", ",\"delegate\":[]").Error(), Is.EqualTo((999,
            "failed to load netconf: json: cannot unmarshal array into Go struct field NetConf.delegate of type map[string]interface {}")));
        Assert.That(Directory.Exists(DataDir), Is.False);
    }

    [Test]
    public void DelegateThatCannotBeFoundIsRefusedBeforeAnythingIsSaved()
    {
        Assert.That(Run("ADD", ",\"delegate\":{\"type\":\"../../../bin/true\"}").Error(),
            Is.EqualTo((7, "invalid plugin name \"../../../bin/true\"")));
        Assert.That(Run("ADD", ",\"delegate\":{\"type\":\"cbt-fl-missing\"}").Error(),
            Is.EqualTo((999, $"failed to find plugin \"cbt-fl-missing\" in path [{BinDir}]")));
        Assert.That((_calls.Count, Directory.Exists(DataDir)), Is.EqualTo((0, false)));
    }

    [Test]
    public void StatusFailsWithCode50WhileSubnetEnvIsMissing()
    {
        Assert.That(Run("STATUS").Exit, Is.EqualTo(0));
        File.Delete(SubnetFile);
        Assert.That(Run("STATUS").Error(), Is.EqualTo((50,
            $"failed to load flannel 'subnet.env' file: open {SubnetFile}: no such file or directory. Check the flannel pod log for this node.")));
    }

    [Test]
    public void GcRemovesOnlyTheSavedDelegatesOfAttachmentsNoLongerValid()
    {
        Run("ADD", containerId: "keep");
        Run("ADD", containerId: "gone");
        File.WriteAllText(Path.Combine(DataDir, ".not-a-container"), "");
        var gc = Run("GC", ",\"cni.dev/valid-attachments\":[{\"containerID\":\"keep\",\"ifname\":\"eth0\"}]");
        Assert.That(gc.Exit, Is.EqualTo(0), gc.Stdout);
        Assert.That(Directory.GetFiles(DataDir).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { ".not-a-container", "keep" }));
    }

    [Test]
    public void CheckReadsNothing()
    {
        File.Delete(SubnetFile);
        Assert.That((Run("CHECK", ",\"delegate\":7").Exit, _calls.Count), Is.EqualTo((0, 0)));
    }
}
