using CniBox.Tests.Support;
using CniBox.Netlink.Namespaces;

namespace CniBox.Tests.Integration.Netlink.Namespaces;

[TestFixture, Category("root"), NonParallelizable]
public sealed class NetNsHandleTests
{
    [SetUp]
    public void SetUp() => Assume.That(Environment.IsPrivilegedProcess, "needs root");

    [Test]
    public void MissingPathIsNotFound()
    {
        var e = Assert.Throws<NetNsNotFoundException>(() => NetNsHandle.Open("/var/run/netns/cbt-does-not-exist"));
        Assert.That(e!.Message, Does.Contain("does not exist"));
    }

    [Test]
    public void ADirectoryOrARegularFileIsNotANetns()
    {
        var dir = Assert.Throws<NotANetNsException>(() => NetNsHandle.Open("/tmp"));
        Assert.That(dir!.Message, Is.EqualTo("\"/tmp\" is not a network namespace"));
        string file = Path.GetTempFileName();
        try
        {
            Assert.Throws<NotANetNsException>(() => NetNsHandle.Open(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void AnotherNamespaceTypeIsNotANetns() =>
        Assert.Throws<NotANetNsException>(() => NetNsHandle.Open("/proc/self/ns/uts"));

    [Test]
    public void OwnNamespaceComparesEqualAndANewOneDoesNot()
    {
        using NetNsHandle self = NetNsHandle.Open("/proc/self/ns/net");
        using NetNsHandle current = NetNs.Current();
        Assert.That(self.IsSameNamespace(current), Is.True);
        Assert.That(NetNs.IsCurrent("/proc/self/ns/net"), Is.True);

        using var test = new TestNetns("nl");
        using NetNsHandle other = NetNsHandle.Open(test.Path);
        Assert.That(other.IsSameNamespace(current), Is.False);
        Assert.That(NetNs.IsCurrent(test.Path), Is.False);
    }

    [Test]
    public void RunSwitchesADedicatedThreadAndLeavesTheCallerAlone()
    {
        using var test = new TestNetns("nl");
        using NetNsHandle target = NetNsHandle.Open(test.Path);
        using NetNsHandle before = NetNs.Current();
        bool inside = NetNs.Run(target, () =>
        {
            using NetNsHandle here = NetNs.Current();
            return here.IsSameNamespace(target);
        });
        Assert.That(inside, Is.True);
        using NetNsHandle after = NetNs.Current();
        Assert.That(after.IsSameNamespace(before), Is.True);

        var e = Assert.Throws<InvalidOperationException>(() => NetNs.Run(target, () => throw new InvalidOperationException("boom")));
        Assert.That(e!.Message, Is.EqualTo("boom"));
    }

    [Test]
    public void RunBrieflySwitchesTheCallingThreadAndAlwaysSwitchesBack()
    {
        using var test = new TestNetns("nl");
        using NetNsHandle target = NetNsHandle.Open(test.Path);
        using NetNsHandle before = NetNs.Current();
        bool inside = NetNs.RunBriefly(target, () =>
        {
            using NetNsHandle here = NetNs.Current();
            return here.IsSameNamespace(target);
        });
        Assert.That(inside, Is.True);
        Assert.Throws<InvalidOperationException>(() => NetNs.RunBriefly<int>(target, () => throw new InvalidOperationException("boom")));
        using NetNsHandle after = NetNs.Current();
        Assert.That(after.IsSameNamespace(before), Is.True, "back home after success and after an exception");
    }
}
