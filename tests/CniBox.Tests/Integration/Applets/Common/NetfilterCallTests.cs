using CniBox.Applets.Common;
using CniBox.Netlink.Namespaces;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common;

/// <summary>When the nf_tables handles of <see cref="NetfilterCall"/> close, counted in a throwaway cbt-dlf-* netns.</summary>
[TestFixture, Category("root"), NonParallelizable]
public sealed class NetfilterCallTests
{
    private TestNetns _node = null!;

    [SetUp]
    public void SetUp() => _node = new TestNetns("dlf");

    [TearDown]
    public void TearDown() => _node.Dispose();

    private void InNode(Action work)
    {
        using var ns = NetNsHandle.Open(_node.Path);
        NetNs.Run(ns, work);
    }

    [Test]
    public void ARunClosesItsHandleWhenItReturns() => InNode(() =>
    {
        var openDuring = -1;
        NetfilterCall.Run("listing", nft =>
        {
            nft.ListTables();
            openDuring = NetfilterSockets.OpenInCurrentNetns();
        });
        Assert.That(openDuring, Is.EqualTo(1));
        Assert.That(NetfilterSockets.OpenInCurrentNetns(), Is.Zero);
    });

    [Test]
    public void InsideCloseHandlesLaterTheHandlesCloseWithTheScope() => InNode(() =>
    {
        using (NetfilterCall.CloseHandlesLater())
        {
            NetfilterCall.Run("first", nft => nft.ListTables());
            NetfilterCall.Run("second", nft => nft.ListTables());
            Assert.That(NetfilterSockets.OpenInCurrentNetns(), Is.EqualTo(2), "both stay open after their Run");
        }
        Assert.That(NetfilterSockets.OpenInCurrentNetns(), Is.Zero, "the scope closed them");
        NetfilterCall.Run("after", nft => nft.ListTables());
        Assert.That(NetfilterSockets.OpenInCurrentNetns(), Is.Zero, "after the scope a Run closes its own again");
    });

    [Test]
    public void AFailingRunInsideTheScopeStillLeavesItsHandleToTheScope() => InNode(() =>
    {
        using (NetfilterCall.CloseHandlesLater())
        {
            Assert.Throws<InvalidOperationException>(() => NetfilterCall.Run("failing", _ => throw new InvalidOperationException("boom")));
            Assert.That(NetfilterSockets.OpenInCurrentNetns(), Is.EqualTo(1));
        }
        Assert.That(NetfilterSockets.OpenInCurrentNetns(), Is.Zero);
    });
}
