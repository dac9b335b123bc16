using CniBox.Spec.Addressing;

namespace CniBox.Tests.Unit.Spec.Addressing;

public class IpMathTests
{
    [TestCase("10.1.0.5", "10.1.0.5", true)]
    [TestCase("0.0.0.0", "0.0.0.0", true)]
    [TestCase("255.255.255.255", "255.255.255.255", true)]
    [TestCase("::ffff:10.1.0.5", "10.1.0.5", true)]
    [TestCase("::FFFF:a01:5", "10.1.0.5", true)]
    [TestCase("2001:db8::5", "2001:db8::5", false)]
    [TestCase("2001:DB8:0:0:0:0:0:5", "2001:db8::5", false)]
    [TestCase("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1", false)]
    [TestCase("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", false)]
    [TestCase("::", "::", false)]
    [TestCase("::1", "::1", false)]
    [TestCase("1::", "1::", false)]
    [TestCase("fe80::1:0:0:0", "fe80::1:0:0:0", false)]
    [TestCase("::1.2.3.4", "::102:304", false)]
    [TestCase("64:ff9b::192.0.2.1", "64:ff9b::c000:201", false)]
    [TestCase("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304", false)]
    public void ParsesAndPrintsAsGo(string text, string canonical, bool v4)
    {
        Assert.That(IpAddr.TryParse(text, out var ip), Is.True);
        Assert.That((ip.ToString(), ip.IsV4), Is.EqualTo((canonical, v4)));
    }

    [TestCase("")]
    [TestCase("10.1.0")]
    [TestCase("10.1.0.5.6")]
    [TestCase("10.01.0.5")]
    [TestCase("10.1.0.256")]
    [TestCase("10.1.0.5 ")]
    [TestCase(" 10.1.0.5")]
    [TestCase("10.1.0.-5")]
    [TestCase("1.2.3.1234")]
    [TestCase("fe80::1%eth0")]
    [TestCase("[::1]")]
    [TestCase(":::")]
    [TestCase("1::2::3")]
    [TestCase(":1::")]
    [TestCase("1::2:")]
    [TestCase("1:2:3:4:5:6:7:8:9")]
    [TestCase("1:2:3:4:5:6:7")]
    [TestCase("1:2:3:4:5:6:7::8")]
    [TestCase("12345::")]
    [TestCase("g::")]
    [TestCase("::1.2.3")]
    [TestCase("::01.2.3.4")]
    [TestCase("1:2:3:4:5:6:7:1.2.3.4")]
    [TestCase("1.2.3.4::")]
    [TestCase("10.1.0.5/24")]
    public void RejectsWhatGoRejects(string text) => Assert.That(IpAddr.TryParse(text, out _), Is.False);

    [TestCase("10.0.0.255", "10.0.1.0", "10.0.0.254")]
    [TestCase("255.255.255.255", "0.0.0.0", "255.255.255.254")]
    [TestCase("0.0.0.0", "0.0.0.1", "255.255.255.255")]
    [TestCase("2001:db8::ffff", "2001:db8::1:0", "2001:db8::fffe")]
    [TestCase("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")]
    [TestCase("::", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    public void NextAndPreviousWrapWithinTheFamily(string text, string next, string previous)
    {
        var ip = IpAddr.Parse(text);
        Assert.That((ip.Next().ToString(), ip.Previous().ToString()), Is.EqualTo((next, previous)));
    }

    [Test]
    public void AddAndSubtract()
    {
        Assert.That(IpAddr.Parse("10.0.0.1").Add(510).ToString(), Is.EqualTo("10.0.1.255"));
        Assert.That(IpAddr.Parse("2001:db8::").Add(UInt128.One << 64).ToString(), Is.EqualTo("2001:db8:0:1::"));
        Assert.That(IpAddr.Parse("10.0.1.0").Subtract(257).ToString(), Is.EqualTo("9.255.255.255"));
    }

    [Test]
    public void ComparesV4BeforeV6ThenByValue()
    {
        var list = new[] { "2001:db8::1", "10.0.0.2", "::1", "10.0.0.10", "9.255.255.255" }.Select(IpAddr.Parse).Order();
        Assert.That(list.Select(i => i.ToString()), Is.EqualTo(new[] { "9.255.255.255", "10.0.0.2", "10.0.0.10", "::1", "2001:db8::1" }));
        Assert.That(IpAddr.Parse("10.0.0.1") == IpAddr.Parse("::ffff:10.0.0.1"), Is.True);
        Assert.That(IpAddr.Parse("::a00:1") == IpAddr.Parse("10.0.0.1"), Is.False);
    }

    [Test]
    public void BytesInNetworkOrder()
    {
        Assert.That(IpAddr.Parse("10.1.2.3").ToBytes(), Is.EqualTo(new byte[] { 10, 1, 2, 3 }));
        Assert.That(IpAddr.Parse("2001:db8::5").ToBytes(), Is.EqualTo(new byte[] { 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 }));
    }

    [TestCase("10.1.2.3/16", "10.1.2.3/16", "10.1.0.0", "10.1.255.255", true)]
    [TestCase("10.1.0.0/16", "10.1.0.0/16", "10.1.0.0", "10.1.255.255", false)]
    [TestCase("10.1.0.0/016", "10.1.0.0/16", "10.1.0.0", "10.1.255.255", false)]
    [TestCase("0.0.0.0/0", "0.0.0.0/0", "0.0.0.0", "255.255.255.255", false)]
    [TestCase("10.1.2.3/32", "10.1.2.3/32", "10.1.2.3", "10.1.2.3", false)]
    [TestCase("2001:db8::5/64", "2001:db8::5/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff", true)]
    [TestCase("::/0", "::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false)]
    [TestCase("2001:db8::1/128", "2001:db8::1/128", "2001:db8::1", "2001:db8::1", false)]
    [TestCase("::ffff:10.1.2.0/120", "10.1.2.0/24", "10.1.2.0", "10.1.2.255", false)]
    public void Cidrs(string text, string printed, string network, string last, bool hostBits)
    {
        var net = IpNet.Parse(text);
        Assert.That((net.ToString(), net.Network.ToString(), net.Last.ToString(), net.HasHostBits),
            Is.EqualTo((printed, network, last, hostBits)));
    }

    /// <summary>The vectors of the result model's former IpText: what results print for a CIDR.</summary>
    [TestCase("10.1.0.5/16", "10.1.0.5/16")]
    [TestCase("2001:DB8:0:0:0:0:0:5/64", "2001:db8::5/64")]
    [TestCase("2001:db8:0:1:0:0:1:1/64", "2001:db8:0:1::1:1/64")]
    [TestCase("::ffff:10.1.2.3/120", "10.1.2.3/24")]
    [TestCase("::ffff:10.1.2.3/90", "10.1.2.3/0")]
    [TestCase("::1.2.3.4/128", "::102:304/128")]
    [TestCase("fe80:0:0:0:1:0:0:0/10", "fe80::1:0:0:0/10")]
    public void CidrsPrintAsGoPrintsThem(string input, string expected) =>
        Assert.That(IpNet.Parse(input).ToString(), Is.EqualTo(expected));

    [TestCase("10.1.0.0")]
    [TestCase("10.1.0.0/")]
    [TestCase("10.1.0.0/33")]
    [TestCase("10.1.0.0/-1")]
    [TestCase("10.1.0.0/+8")]
    [TestCase("10.1.0.0/ 8")]
    [TestCase("2001:db8::/129")]
    [TestCase("fe80::%eth0/64")]
    [TestCase("10.01.0.0/16")]
    [TestCase("10.1.0.0/99999999999")]
    public void RejectsBadCidrs(string text) => Assert.That(IpNet.TryParse(text, out _), Is.False);

    [Test]
    public void MappedCidrKeepsGosMaskLength()
    {
        var net = IpNet.Parse("::ffff:10.1.2.0/120");
        Assert.That((net.Prefix, net.MaskBits, net.FamilyPrefix, net.Address.IsV4), Is.EqualTo((120, 128, 24, true)));
    }

    [Test]
    public void ContainsAndOverlaps()
    {
        var net = IpNet.Parse("10.1.0.0/16");
        Assert.That(net.Contains(IpAddr.Parse("10.1.255.255")), Is.True);
        Assert.That(net.Contains(IpAddr.Parse("10.2.0.0")), Is.False);
        Assert.That(net.Contains(IpAddr.Parse("::a01:5")), Is.False);
        Assert.That(net.Overlaps(IpNet.Parse("10.0.0.0/8")), Is.True);
        Assert.That(net.Overlaps(IpNet.Parse("10.1.128.0/17")), Is.True);
        Assert.That(net.Overlaps(IpNet.Parse("10.2.0.0/16")), Is.False);
        Assert.That(IpNet.Parse("2001:db8::/64").Overlaps(IpNet.Parse("2001:db8::/48")), Is.True);
        Assert.That(IpNet.Parse("::/0").Overlaps(net), Is.False);
    }

    [Test]
    public void MasksAndSubnetCopies()
    {
        var net = IpNet.Parse("10.1.2.3/20");
        Assert.That(net.Mask, Is.EqualTo((UInt128)0xfffff000u));
        Assert.That(net.HostMask, Is.EqualTo((UInt128)0xfffu));
        Assert.That(net.ToNetwork().ToString(), Is.EqualTo("10.1.0.0/20"));
        Assert.That(net.WithAddress(IpAddr.Parse("10.1.9.9")).ToString(), Is.EqualTo("10.1.9.9/20"));
        Assert.That(IpNet.Parse("2001:db8::/0").Mask, Is.EqualTo(UInt128.Zero));
        Assert.That(IpNet.Parse("2001:db8::1/128").HostMask, Is.EqualTo(UInt128.Zero));
    }
}
