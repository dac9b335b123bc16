using CniBox.Applets.Firewall.Firewalld;
using CniBox.Spec;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Firewall.Firewalld;

/// <summary>
/// The client against Debian's firewalld, which runs in a cbt-fwd node netns on a private system bus
/// (<see cref="PrivateFirewalld"/>): sources bound, queried and unbound as firewall-cmd sees them, and firewalld's
/// refusals as CNI errors.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public class FirewalldClientTests
{
    private PrivateSystemBus _bus = null!;
    private TestNetns _node = null!;
    private PrivateFirewalld _firewalld = null!;

    [OneTimeSetUp]
    public void StartFirewalld()
    {
        PrivateFirewalld.RequireTools();
        _bus = new PrivateSystemBus();
        _node = new TestNetns("fwd");
        _firewalld = new PrivateFirewalld(_node, _bus);
    }

    [OneTimeTearDown]
    public void StopFirewalld()
    {
        _firewalld?.Dispose();
        _node?.Dispose();
        _bus?.Dispose();
    }

    private FirewalldClient Client() => new(_bus.Address, Serilog.Core.Logger.None);

    [Test]
    public void HasOwnerWhileFirewalldRuns()
    {
        using var client = Client();
        Assert.That(client.HasOwner(), Is.True);
    }

    [Test]
    public void HasOwnerIsFalseOnABusWithoutFirewalld()
    {
        using var emptyBus = new PrivateSystemBus();
        using var client = new FirewalldClient(emptyBus.Address, Serilog.Core.Logger.None);
        Assert.That(client.HasOwner(), Is.False);
    }

    [Test]
    public void AddSourceBindsItToTheZoneAndQuerySourceSeesIt()
    {
        using var client = Client();
        try
        {
            Assert.That(client.AddSource("trusted", "10.199.155.2/32"), Is.True);
            Assert.That(client.AddSource("trusted", "fd99:155::2/128"), Is.True);
            Assert.That(_firewalld.Sources(), Is.SupersetOf(new[] { "10.199.155.2/32", "fd99:155::2/128" }));
            Assert.That(client.QuerySource("trusted", "10.199.155.2/32"), Is.True);
            Assert.That(client.QuerySource("trusted", "fd99:155::2/128"), Is.True);
            Assert.That(client.QuerySource("trusted", "10.199.155.3/32"), Is.False);
        }
        finally
        {
            client.RemoveSource("trusted", "10.199.155.2/32");
            client.RemoveSource("trusted", "fd99:155::2/128");
        }
    }

    [Test]
    public void AddSourceAgainIsZoneAlreadySetAndNoError()
    {
        using var client = Client();
        try
        {
            Assert.That(client.AddSource("trusted", "10.199.155.4/32"), Is.True);
            Assert.That(client.AddSource("trusted", "10.199.155.4/32"), Is.False, "ZONE_ALREADY_SET is success, as in Go");
            Assert.That(_firewalld.Sources().Count(s => s == "10.199.155.4/32"), Is.EqualTo(1));
        }
        finally
        {
            client.RemoveSource("trusted", "10.199.155.4/32");
        }
    }

    [Test]
    public void RemoveSourceUnbindsItAndAgainIsIgnored()
    {
        using var client = Client();
        client.AddSource("trusted", "10.199.155.5/32");
        Assert.That(client.RemoveSource("trusted", "10.199.155.5/32"), Is.True);
        Assert.That(_firewalld.Sources(), Does.Not.Contain("10.199.155.5/32"));
        Assert.That(client.QuerySource("trusted", "10.199.155.5/32"), Is.False);
        Assert.That(client.RemoveSource("trusted", "10.199.155.5/32"), Is.False, "UNKNOWN_SOURCE is ignored, as in Go");
        Assert.That(client.RemoveSource("cbt-no-such-zone", "10.199.155.5/32"), Is.False, "INVALID_ZONE is ignored, as in Go");
    }

    [Test]
    public void AddSourceToAnUnknownZoneNamesZoneSourceAndFirewalldsReason()
    {
        using var client = Client();
        var e = Assert.Throws<CniException>(() => client.AddSource("cbt-no-such-zone", "10.199.155.6/32"))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCode.Internal));
        Assert.That(e.Msg, Is.EqualTo("failed to add the address 10.199.155.6/32 to cbt-no-such-zone zone: "
            + "firewalld has no such zone (firewalld: INVALID_ZONE: cbt-no-such-zone)"));
    }

    [Test]
    public void AddSourceBoundToAnotherZoneIsZoneConflict()
    {
        using var client = Client();
        try
        {
            client.AddSource("public", "10.199.155.7/32");
            var e = Assert.Throws<CniException>(() => client.AddSource("trusted", "10.199.155.7/32"))!;
            Assert.That(e.Msg, Does.StartWith("failed to add the address 10.199.155.7/32 to trusted zone: the address is already bound to another zone"));
            Assert.That(e.Msg, Does.Contain("ZONE_CONFLICT"));
        }
        finally
        {
            client.RemoveSource("public", "10.199.155.7/32");
        }
    }

    [Test]
    public void AddSourceThatIsNoAddressIsInvalidAddr()
    {
        using var client = Client();
        var e = Assert.Throws<CniException>(() => client.AddSource("trusted", "10.199.155.300/32"))!;
        Assert.That(e.Msg, Does.Contain("INVALID_ADDR").And.Contain("10.199.155.300/32").And.Contain("trusted zone"));
    }

    [Test]
    public void QuerySourceOfAnUnknownZoneFailsWithGosCheckText()
    {
        using var client = Client();
        var e = Assert.Throws<CniException>(() => client.QuerySource("cbt-no-such-zone", "10.199.155.8/32"))!;
        Assert.That(e.Msg, Does.StartWith("failed to find the address 10.199.155.8/32 in cbt-no-such-zone zone: firewalld has no such zone"));
    }

    [Test]
    public void AFirewalldThatDoesNotAnswerCostsOneTimeout()
    {
        var shortWaits = new FirewalldTimeouts(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500));
        using var client = new FirewalldClient(_bus.Address, Serilog.Core.Logger.None, shortWaits);
        Signal("STOP");
        try
        {
            Assert.That(client.HasOwner(), Is.True, "the bus daemon answers for a stopped firewalld");
            var e = Assert.Throws<CniException>(() => client.AddSource("trusted", "10.199.155.10/32"))!;
            Assert.That(e.Msg, Is.EqualTo($"failed to add the address 10.199.155.10/32 to trusted zone: no answer on {_bus.Address} within 0.5s to the call"));
            Assert.That(client.RemoveSource("trusted", "10.199.155.10/32"), Is.False, "the next call fails at once");
        }
        finally
        {
            Signal("CONT");
        }
        using var again = Client();
        again.RemoveSource("trusted", "10.199.155.10/32");
    }

    private void Signal(string name) => NftTestNetns.Run("kill", [$"-{name}", _firewalld.Pid.ToString()]);

    [Test]
    public void CallsOnABusWithoutFirewalldSayItIsNotRunning()
    {
        using var emptyBus = new PrivateSystemBus();
        using var client = new FirewalldClient(emptyBus.Address, Serilog.Core.Logger.None);
        var e = Assert.Throws<CniException>(() => client.AddSource("trusted", "10.199.155.9/32"))!;
        Assert.That(e.Msg, Does.StartWith("failed to add the address 10.199.155.9/32 to trusted zone: firewalld is not running: "
            + $"nobody owns org.fedoraproject.FirewallD1 on the system bus {emptyBus.Address}"));
        Assert.That(client.RemoveSource("trusted", "10.199.155.9/32"), Is.False);
    }
}
