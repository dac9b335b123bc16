using CniBox.Applets.Common;
using CniBox.Netlink.Namespaces;
using CniBox.Spec;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common;

/// <summary>
/// DEL's link delete with the firewall teardown before it and the teardown's nf_tables sockets closed after it: a veth
/// eth0 in a cbt-dlf-* container netns whose peer cbtdlf0 lives in a cbt-dlf-* node netns, where the call runs.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class ContainerLinkDeleteTests
{
    private TestNetns _node = null!;
    private TestNetns _container = null!;

    [SetUp]
    public void SetUp()
    {
        _node = new TestNetns("dlf");
        _container = new TestNetns("dlf");
        _container.IpIn("link", "add", "eth0", "type", "veth", "peer", "name", "cbtdlf0", "netns", _node.Name);
    }

    [TearDown]
    public void TearDown()
    {
        _container.Dispose();
        _node.Dispose();
    }

    private T InNode<T>(Func<T> work)
    {
        using var ns = NetNsHandle.Open(_node.Path);
        return NetNs.Run(ns, work);
    }

    private static bool HasLink(TestNetns ns, string name) => ns.IpIn("-o", "link", "show").Contains($": {name}");

    [Test]
    public void TheTeardownRunsWhileTheLinkExistsAndItsSocketsCloseByTheEnd()
    {
        var linkDuringTeardown = false;
        var socketsDuringTeardown = -1;
        var (deleted, socketsAfter) = InNode(() =>
        {
            var deleted = ContainerLinkDelete.Run(_container.Path, "eth0", () => NetfilterCall.Run("listing", nft =>
            {
                nft.ListTables();
                linkDuringTeardown = HasLink(_container, "eth0");
                socketsDuringTeardown = NetfilterSockets.OpenInCurrentNetns();
            }));
            return (deleted, NetfilterSockets.OpenInCurrentNetns());
        });
        Assert.That(deleted, Is.True);
        Assert.That(linkDuringTeardown, Is.True, "the teardown commits before the delete");
        Assert.That(socketsDuringTeardown, Is.EqualTo(1));
        Assert.That(socketsAfter, Is.Zero, "the teardown's socket is closed when Run returns");
        Assert.That(HasLink(_container, "eth0"), Is.False);
        Assert.That(HasLink(_node, "cbtdlf0"), Is.False, "the peer went with it");
    }

    [Test]
    public void ATeardownErrorComesOutAfterTheLinkIsDeleted()
    {
        var e = Assert.Throws<CniException>(() => InNode(() =>
            ContainerLinkDelete.Run(_container.Path, "eth0", () => throw new CniException(ErrorCode.Internal, "teardown broke"))));
        Assert.That(e!.Msg, Is.EqualTo("teardown broke"));
        Assert.That(HasLink(_container, "eth0"), Is.False);
    }

    [Test]
    public void WithoutATeardownTheLinkIsDeleted()
    {
        Assert.That(InNode(() => ContainerLinkDelete.Run(_container.Path, "eth0", null)), Is.True);
        Assert.That(HasLink(_container, "eth0"), Is.False);
        Assert.That(InNode(() => ContainerLinkDelete.Run(_container.Path, "eth0", null)), Is.False, "again: nothing to delete");
    }

    [TestCase("")]
    [TestCase("/var/run/netns/cbt-dlf-gone")]
    public void NoNetnsStillRunsTheTeardown(string netns)
    {
        var ran = false;
        Assert.That(InNode(() => ContainerLinkDelete.Run(netns, "eth0", () => ran = true)), Is.False);
        Assert.That(ran, Is.True);
        Assert.That(HasLink(_container, "eth0"), Is.True, "another netns's link is untouched");
    }

    [Test]
    public void AMissingLinkIsNothingToDeleteAndTheTeardownRuns()
    {
        var ran = false;
        Assert.That(InNode(() => ContainerLinkDelete.Run(_container.Path, "eth9", () => ran = true)), Is.False);
        Assert.That(ran, Is.True);
        Assert.That(HasLink(_container, "eth0"), Is.True);
    }

    [Test]
    public void APathThatIsNotANetnsFailsAsAnInvalidNetnsBeforeTheTeardown()
    {
        var file = Path.GetTempFileName();
        try
        {
            var ran = false;
            var e = Assert.Throws<CniException>(() => InNode(() => ContainerLinkDelete.Run(file, "eth0", () => ran = true)));
            Assert.That(e!.Code, Is.EqualTo(ErrorCode.InvalidNetns));
            Assert.That(ran, Is.False);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
