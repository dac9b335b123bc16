using CniBox.Tests.Support;
using CniBox.Netlink.Namespaces;

namespace CniBox.Tests.Integration.Netlink;

[TestFixture, Category("root"), NonParallelizable]
public sealed class NetNsHandleTests
{
    [SetUp]
    public void SetUp() => Assume.That(Environment.IsPrivilegedProcess, "needs root");

    [Test]
    public void Missing_path_is_not_found()
    {
        var e = Assert.Throws<NetNsNotFoundException>(() => NetNsHandle.Open("/var/run/netns/cbt-does-not-exist"));
        Assert.That(e!.Message, Does.Contain("does not exist"));
    }

    [Test]
    public void A_directory_or_a_regular_file_is_not_a_netns()
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
    public void Another_namespace_type_is_not_a_netns() =>
        Assert.Throws<NotANetNsException>(() => NetNsHandle.Open("/proc/self/ns/uts"));

    [Test]
    public void Own_namespace_compares_equal_and_a_new_one_does_not()
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
    public void Run_switches_a_dedicated_thread_and_leaves_the_caller_alone()
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
    public void RunBriefly_switches_the_calling_thread_and_always_switches_back()
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
