using System.Text;
using CniBox.Ipam.HostLocal;
using CniBox.Spec;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Unit.Ipam.HostLocal;

/// <summary>host-local run in-process, as bridge and ptp run it: what it checks before it reads the config.</summary>
public class HostLocalPluginTests
{
    private static PluginCall Call(CniCommand command, string ifName, string json) => new()
    {
        Command = command, ContainerId = "c1", Netns = "/var/run/netns/x", IfName = ifName, Args = "", Path = [],
        StdinData = Encoding.UTF8.GetBytes(json.Replace('\'', '"')), CniVersion = "1.0.0", NetworkName = "n",
        Context = new AppletContext
        {
            Name = "host-local", Args = [], Getenv = _ => null, Stdin = Stream.Null, Stdout = Stream.Null,
            Stderr = TextWriter.Null, Log = Serilog.Core.Logger.None, IsOwnNetns = _ => false,
        },
    };

    [TestCase(CniCommand.Add)]
    [TestCase(CniCommand.Del)]
    [TestCase(CniCommand.Check)]
    public void AnInProcessAttachmentIsCheckedBeforeTheConfig(CniCommand command)
    {
        var e = Assert.Throws<CniException>(() => new HostLocalPlugin().Handle(Call(command, "a/b", "{'name':'n','ipam':5}")))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.InvalidEnvironment, "interface name contains / or : or whitespace characters")));
    }

    [Test]
    public void ThenTheConfigIsRead()
    {
        var e = Assert.Throws<CniException>(() => new HostLocalPlugin().Handle(Call(CniCommand.Del, "eth0", "{'name':'n','ipam':{'type':'host-local'}}")))!;
        Assert.That((e.Code, e.Msg), Is.EqualTo((ErrorCode.Internal, "no IP ranges specified")));
    }
}
