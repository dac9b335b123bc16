using CniBox.Applets.Firewall.Firewalld;
using CniBox.Spec.Addressing;

namespace CniBox.Tests.Unit.Applets.Firewall.Firewalld;

public class FirewalldFirewallTests
{
    [TestCase("10.199.155.2/24", "10.199.155.2/32")]
    [TestCase("10.199.155.2/32", "10.199.155.2/32")]
    [TestCase("fd99:155::2/64", "fd99:155::2/128")]
    // Go parses a v4-mapped address as v4 (To4 is not nil): ipString gives /32.
    [TestCase("::ffff:10.199.155.2/120", "10.199.155.2/32")]
    public void ASourceIsTheAddressWithItsFamilysHostPrefix(string address, string source) =>
        Assert.That(FirewalldFirewall.Source(IpNet.Parse(address)), Is.EqualTo(source));
}
