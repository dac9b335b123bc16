using System.Text;
using CniBox.Ipam;
using CniBox.Spec;
using CniBox.Spec.Invoke;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Unit.Spec.Invoke;

/// <summary>libcni's exec rules, against small shell-script plugins in a temp CNI_PATH.</summary>
public class PluginExecTests
{
    private string _dir = null!;

    [SetUp]
    public void MakeDir() => _dir = Directory.CreateTempSubdirectory("cnibox-exec").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, true);

    private string Script(string name, string body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static ExecRequest Request(string stdin = "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}") =>
        new(CniCommand.Add, "c1", "/var/run/netns/x", "eth0", "IgnoreUnknown=1", ["/a", "/b"], Encoding.UTF8.GetBytes(stdin));

    [Test]
    public void FindTakesTheFirstDirectoryThatHasIt()
    {
        var second = Directory.CreateDirectory(Path.Combine(_dir, "second")).FullName;
        File.WriteAllText(Path.Combine(second, "p"), "");
        Assert.That(PluginFinder.Find("p", [Path.Combine(_dir, "none"), second]), Is.EqualTo(Path.Combine(second, "p")));
    }

    [Test]
    public void FindNamesThePathWhenMissing()
    {
        var e = Assert.Throws<CniException>(() => PluginFinder.Find("noop", ["/a", "/b"]))!;
        Assert.That(e.Msg, Is.EqualTo("failed to find plugin \"noop\" in path [/a /b]"));
        Assert.That(Assert.Throws<CniException>(() => PluginFinder.Find("noop", []))!.Msg, Is.EqualTo("no paths provided"));
    }

    [Test]
    public void PluginGetsTheCniEnvironmentAndTheConfigOnStdin()
    {
        var plugin = Script("env", "echo \"$CNI_COMMAND|$CNI_CONTAINERID|$CNI_NETNS|$CNI_IFNAME|$CNI_ARGS|$CNI_PATH\"; cat");
        var output = Encoding.UTF8.GetString(PluginExec.Run(plugin, Request("{\"x\":1}"), TextWriter.Null));
        Assert.That(output, Is.EqualTo("ADD|c1|/var/run/netns/x|eth0|IgnoreUnknown=1|/a:/b\n{\"x\":1}"));
    }

    [Test]
    public void ErrorObjectBecomesTheSameCniError()
    {
        var plugin = Script("fail", "echo '{\"code\": 11, \"msg\": \"busy\", \"details\": \"try later\"}'; exit 1");
        var e = Assert.Throws<CniException>(() => PluginExec.Run(plugin, Request(), TextWriter.Null))!;
        Assert.That((e.Code, e.Msg, e.Details), Is.EqualTo((11, "busy", "try later")));
    }

    [TestCase("echo boom >&2; exit 1", "netplugin failed: \"boom\n\": exit status 1")]
    [TestCase("exit 3", "netplugin failed with no error message: exit status 3")]
    public void FailuresWithoutAnErrorObject(string body, string msg)
    {
        var e = Assert.Throws<CniException>(() => PluginExec.Run(Script("p", body), Request(), TextWriter.Null))!;
        Assert.That(e.Msg, Is.EqualTo(msg));
    }

    [Test]
    public void GarbageOnStdoutIsNamed()
    {
        var e = Assert.Throws<CniException>(() => PluginExec.Run(Script("p", "echo garbage; exit 1"), Request(), TextWriter.Null))!;
        Assert.That(e.Msg, Does.StartWith("netplugin failed but error parsing its diagnostic message \"garbage"));
    }

    [Test]
    public void StderrIsPassedThroughOnSuccess()
    {
        var stderr = new StringWriter();
        PluginExec.Run(Script("p", "echo note >&2"), Request(), stderr);
        Assert.That(stderr.ToString(), Is.EqualTo("note\n"));
    }

    private sealed class FakeIpam : IInProcessPlugin
    {
        public List<CniCommand> Calls { get; } = [];
        public CniResult? Handle(PluginCall call)
        {
            Calls.Add(call.Command);
            return call.Command == CniCommand.Add
                ? new CniResult { Ips = [new IpConfig { Address = "10.199.0.9/24", Gateway = "10.199.0.1" }] }
                : null;
        }
    }

    private PluginCall Call(string version = "0.4.0") => new()
    {
        Command = CniCommand.Add, ContainerId = "c1", Netns = "/var/run/netns/x", IfName = "eth0", Args = "",
        Path = [_dir], StdinData = Encoding.UTF8.GetBytes($"{{\"cniVersion\":\"{version}\",\"name\":\"n\"}}"),
        CniVersion = version, NetworkName = "n",
        Context = new AppletContext
        {
            Name = "t", Args = [], Getenv = _ => null, Stdin = Stream.Null, Stdout = Stream.Null,
            Stderr = TextWriter.Null, Log = Serilog.Core.Logger.None, IsOwnNetns = _ => false,
        },
    };

    [Test]
    public void IpamThatIsThisBinaryRunsInProcessInTheConfigVersion()
    {
        Script("host-local", "exit 99");
        var fake = new FakeIpam();
        var invoker = new IpamInvoker(type => type == "host-local" ? fake : null, isSelf: _ => true);
        var result = invoker.Add(Call("0.2.0"), "host-local");
        invoker.Del(Call(), "host-local");
        Assert.That(fake.Calls, Is.EqualTo(new[] { CniCommand.Add, CniCommand.Del }));
        Assert.That(result.Ips.Single().Address, Is.EqualTo("10.199.0.9/24"));
        Assert.That(result.CniVersion, Is.EqualTo("0.2.0"));
    }

    [Test]
    public void OtherIpamIsExecdAndItsResultParsed()
    {
        Script("dhcp", "cat >/dev/null; echo '{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.199.3.4/24\"}]}'");
        var invoker = new IpamInvoker(_ => new FakeIpam(), isSelf: _ => false);
        var result = invoker.Add(Call(), "dhcp");
        Assert.That(result.Ips.Single().Address, Is.EqualTo("10.199.3.4/24"));
    }

    [Test]
    public void MissingIpamTypeIsAConfigError() =>
        Assert.That(Assert.Throws<CniException>(() => new IpamInvoker(_ => null).Add(Call(), ""))!.Code, Is.EqualTo(7));
}
