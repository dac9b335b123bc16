using System.Text.RegularExpressions;
using CniBox.Spec;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Firewall.Firewalld;

/// <summary>
/// The firewall applet's firewalld backend end to end: the published binary after our bridge in a node whose
/// firewall is a private firewalld, its effect read back with firewall-cmd.
/// </summary>
[TestFixture, Category("root"), NonParallelizable]
public partial class FirewalldBackendTests
{
    private FirewalldNode _node = null!;

    [OneTimeSetUp]
    public void StartNode() => _node = new FirewalldNode();

    [OneTimeTearDown]
    public void StopNode() => _node?.Dispose();

    [GeneratedRegex("\"[^\"]*\\.so(\\.[0-9]+)*\"")]
    private static partial Regex SharedObjectPath();

    [Test]
    public void AddPutsTheContainerAddressesInTheTrustedZoneAndDelTakesThemOut()
    {
        _node.Container("cbt-fwd-1");
        var conf = _node.FirewallConf("cbt-fwd-1", ",\"backend\":\"firewalld\"");
        var sources = _node.Sources("cbt-fwd-1");
        Assert.That(sources, Has.Count.EqualTo(2), "one v4 and one v6 address");

        var result = CniAssert.Success(_node.Firewall("ADD", "cbt-fwd-1", conf));
        Assert.That(result.GetProperty("ips").GetArrayLength(), Is.EqualTo(2), "the result is the prevResult");
        Assert.That(_node.Firewalld.Sources("trusted"), Is.SupersetOf(sources));

        CniAssert.SilentSuccess(_node.Firewall("CHECK", "cbt-fwd-1", conf));

        CniAssert.SilentSuccess(_node.Firewall("DEL", "cbt-fwd-1", conf));
        Assert.That(_node.Firewalld.Sources("trusted"), Is.Not.SupersetOf(sources).And.Not.Contains(sources[0]).And.Not.Contains(sources[1]));
        CniAssert.SilentSuccess(_node.Firewall("DEL", "cbt-fwd-1", conf));
        CniAssert.SilentSuccess(_node.Firewall("DEL", "cbt-fwd-1", _node.FirewallConf("cbt-fwd-1", ",\"backend\":\"firewalld\"", withPrev: false)));
    }

    [Test]
    public void CheckFailsOnceASourceIsRemovedByHand()
    {
        _node.Container("cbt-fwd-2");
        var conf = _node.FirewallConf("cbt-fwd-2", ",\"backend\":\"firewalld\"");
        var sources = _node.Sources("cbt-fwd-2");
        try
        {
            CniAssert.Success(_node.Firewall("ADD", "cbt-fwd-2", conf));
            CniAssert.SilentSuccess(_node.Firewall("CHECK", "cbt-fwd-2", conf));
            _node.Firewalld.Cmd("--zone=trusted", $"--remove-source={sources[1]}");
            var msg = CniAssert.Error(_node.Firewall("CHECK", "cbt-fwd-2", conf), ErrorCode.Internal);
            Assert.That(msg, Is.EqualTo($"failed to find the address {sources[1]} in trusted zone"));
        }
        finally
        {
            CniAssert.SilentSuccess(_node.Firewall("DEL", "cbt-fwd-2", conf));
        }
        Assert.That(_node.Firewalld.Sources("trusted"), Does.Not.Contain(sources[0]));
    }

    [Test]
    public void FirewalldZoneNamesTheZone()
    {
        _node.Container("cbt-fwd-3");
        var conf = _node.FirewallConf("cbt-fwd-3", ",\"backend\":\"firewalld\",\"firewalldZone\":\"internal\"");
        var sources = _node.Sources("cbt-fwd-3");
        try
        {
            CniAssert.Success(_node.Firewall("ADD", "cbt-fwd-3", conf));
            Assert.That(_node.Firewalld.Sources("internal"), Is.SupersetOf(sources));
            Assert.That(_node.Firewalld.Sources("trusted"), Does.Not.Contain(sources[0]));
            CniAssert.SilentSuccess(_node.Firewall("CHECK", "cbt-fwd-3", conf));
        }
        finally
        {
            CniAssert.SilentSuccess(_node.Firewall("DEL", "cbt-fwd-3", conf));
        }
        Assert.That(_node.Firewalld.Sources("internal"), Is.Empty);
    }

    [Test]
    public void AnUnknownZoneIsACniErrorNamingZoneSourceAndReasonAndLeavesNothing()
    {
        _node.Container("cbt-fwd-4");
        var conf = _node.FirewallConf("cbt-fwd-4", ",\"backend\":\"firewalld\",\"firewalldZone\":\"cbt-no-such-zone\"");
        var sources = _node.Sources("cbt-fwd-4");
        var msg = CniAssert.Error(_node.Firewall("ADD", "cbt-fwd-4", conf), ErrorCode.Internal);
        Assert.That(msg, Is.EqualTo($"failed to add the address {sources[0]} to cbt-no-such-zone zone: "
            + "firewalld has no such zone (firewalld: INVALID_ZONE: cbt-no-such-zone)"));
        CniAssert.SilentSuccess(_node.Firewall("DEL", "cbt-fwd-4", conf));
    }

    [Test]
    public void AddThatFailsOnTheSecondAddressUnbindsTheFirst()
    {
        _node.Container("cbt-fwd-5");
        var conf = _node.FirewallConf("cbt-fwd-5", ",\"backend\":\"firewalld\"");
        var sources = _node.Sources("cbt-fwd-5");
        _node.Firewalld.Cmd("--zone=public", $"--add-source={sources[1]}");
        try
        {
            var msg = CniAssert.Error(_node.Firewall("ADD", "cbt-fwd-5", conf), ErrorCode.Internal);
            Assert.That(msg, Does.StartWith($"failed to add the address {sources[1]} to trusted zone: the address is already bound to another zone"));
            Assert.That(_node.Firewalld.Sources("trusted"), Does.Not.Contain(sources[0]), "ADD leaves nothing behind");
            Assert.That(_node.Firewalld.Sources("public"), Does.Contain(sources[1]), "what ADD did not bind stays");
        }
        finally
        {
            _node.Firewalld.Cmd("--zone=public", $"--remove-source={sources[1]}");
        }
    }

    [Test]
    public void WithoutABackendKeyFirewalldIsChosenWhenItsNameHasAnOwner()
    {
        _node.Container("cbt-fwd-6");
        var conf = _node.FirewallConf("cbt-fwd-6");
        var sources = _node.Sources("cbt-fwd-6");
        CniAssert.Success(_node.Firewall("ADD", "cbt-fwd-6", conf));
        Assert.That(_node.Firewalld.Sources("trusted"), Is.SupersetOf(sources));
        CniAssert.SilentSuccess(_node.Firewall("CHECK", "cbt-fwd-6", conf));
        CniAssert.SilentSuccess(_node.Firewall("DEL", "cbt-fwd-6", conf));
        Assert.That(_node.Firewalld.Sources("trusted"), Does.Not.Contain(sources[0]).And.Not.Contain(sources[1]));
    }

    [Test]
    public void WithoutABackendKeyFirewalldIsNotChosenOnABusWhereNobodyOwnsItsName()
    {
        using var emptyBus = new PrivateSystemBus();
        _node.Container("cbt-fwd-7");
        var conf = _node.FirewallConf("cbt-fwd-7");
        var sources = _node.Sources("cbt-fwd-7");
        try
        {
            CniAssert.Success(_node.Firewall("ADD", "cbt-fwd-7", conf, emptyBus.Address));
            Assert.That(_node.Firewalld.Sources("trusted"), Does.Not.Contain(sources[0]));
        }
        finally
        {
            CniAssert.SilentSuccess(_node.Firewall("DEL", "cbt-fwd-7", conf, emptyBus.Address));
        }
    }

    [Test]
    public void TheFirewalldBackendOpensNoSharedObject()
    {
        Assume.That(File.Exists("/usr/bin/strace"), "needs strace");
        _node.Container("cbt-fwd-8");
        var conf = _node.FirewallConf("cbt-fwd-8");
        var log = Path.Combine(Path.GetTempPath(), $"cbt-fwd-so-{Guid.NewGuid():N}");
        try
        {
            foreach (var verb in new[] { "ADD", "CHECK", "DEL" })
            {
                string[] strace = ["strace", "-f", "-qq", "-s", "4096", "-e", "trace=open,openat,openat2,connect", "-o", log];
                var result = _node.Firewall(verb, "cbt-fwd-8", conf, wrapper: strace);
                Assert.That(result.ExitCode, Is.EqualTo(0), $"{verb}: {result.Stdout}{result.Stderr}");
                var trace = File.ReadAllText(log);
                Assert.That(trace, Does.Contain(_node.Bus!.Socket), $"{verb} spoke to firewalld on the private bus");
                Assert.That(SharedObjectPath().Matches(trace).Select(m => m.Value), Is.Empty, $"{verb}: a static binary must not dlopen anything");
            }
        }
        finally
        {
            File.Delete(log);
        }
    }
}
