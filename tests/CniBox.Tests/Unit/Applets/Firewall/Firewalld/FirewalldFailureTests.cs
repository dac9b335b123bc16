using CniBox.Applets.Firewall.Firewalld;

namespace CniBox.Tests.Unit.Applets.Firewall.Firewalld;

/// <summary>firewalld's and the bus daemon's error replies in words, with the original kept in parentheses.</summary>
public class FirewalldFailureTests
{
    private const string Bus = "unix:path=/tmp/bus";

    [TestCase("INVALID_ZONE: cbt", "firewalld has no such zone (firewalld: INVALID_ZONE: cbt)", "INVALID_ZONE")]
    [TestCase("ZONE_ALREADY_SET: '10.1.1.2/32' already bound to 'trusted'", "firewalld: ZONE_ALREADY_SET: '10.1.1.2/32' already bound to 'trusted'", "ZONE_ALREADY_SET")]
    [TestCase("ZONE_CONFLICT: '10.1.1.2/32' already bound to a zone", "the address is already bound to another zone (firewalld: ZONE_CONFLICT: '10.1.1.2/32' already bound to a zone)", "ZONE_CONFLICT")]
    [TestCase("INVALID_ADDR: 10.1.1.300/32", "firewalld does not take it as a source address (firewalld: INVALID_ADDR: 10.1.1.300/32)", "INVALID_ADDR")]
    [TestCase("RUNNING_BUT_FAILED", "firewalld is not in a running state (firewalld: RUNNING_BUT_FAILED)", "RUNNING_BUT_FAILED")]
    public void FirewalldsErrorKeepsItsCodeAndText(string message, string reason, string code)
    {
        var failure = FirewalldFailure.FromReply("org.fedoraproject.FirewallD1.Exception", message, Bus);
        Assert.That(failure.Message, Is.EqualTo(reason));
        Assert.That(failure.FirewalldCode, Is.EqualTo(code));
    }

    [Test]
    public void PolkitsRefusalSaysPluginsRunAsRoot()
    {
        var failure = FirewalldFailure.FromReply("org.fedoraproject.FirewallD1.NotAuthorizedException", "org.fedoraproject.FirewallD1.all", Bus);
        Assert.That(failure.Message, Is.EqualTo("firewalld (polkit) does not authorize this process for org.fedoraproject.FirewallD1.all; plugins run as root"));
        Assert.That(failure.FirewalldCode, Is.Null);
    }

    [Test]
    public void NoOwnerOnTheBusIsFirewalldNotRunning()
    {
        var failure = FirewalldFailure.FromReply("org.freedesktop.DBus.Error.ServiceUnknown",
            "The name org.fedoraproject.FirewallD1 was not provided by any .service files", Bus);
        Assert.That(failure.Message, Is.EqualTo("firewalld is not running: nobody owns org.fedoraproject.FirewallD1 on the system bus unix:path=/tmp/bus "
            + "(org.freedesktop.DBus.Error.ServiceUnknown: The name org.fedoraproject.FirewallD1 was not provided by any .service files)"));
        Assert.That(failure.FirewalldCode, Is.Null, "only firewalld's own replies carry a firewalld code");
    }

    [Test]
    public void ABusErrorWithoutTextShowsItsName()
    {
        var failure = FirewalldFailure.FromReply("org.freedesktop.DBus.Error.AccessDenied", null, Bus);
        Assert.That(failure.Message, Is.EqualTo("the system bus policy does not let this process call firewalld "
            + "(org.freedesktop.DBus.Error.AccessDenied: org.freedesktop.DBus.Error.AccessDenied)"));
    }
}
