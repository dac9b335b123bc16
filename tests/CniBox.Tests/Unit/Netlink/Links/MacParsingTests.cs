using CniBox.Netlink.Links;

namespace CniBox.Tests.Unit.Netlink.Links;

/// <summary>The one MAC parser, Go's net.ParseMAC: its forms and refusals (the cases of Go's own table, net/mac_test.go).</summary>
public class MacParsingTests
{
    [TestCase("00:00:5e:00:53:01", "00005e005301")]
    [TestCase("00-00-5E-00-53-01", "00005e005301")]
    [TestCase("0000.5e00.5301", "00005e005301")]
    [TestCase("02:00:5e:10:00:00:00:01", "02005e1000000001")]
    [TestCase("0200.5e10.0000.0001", "02005e1000000001")]
    [TestCase("00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01", "00000000fe8000000000000002005e1000000001")]
    public void AcceptsGosForms(string text, string hex) =>
        Assert.That(Convert.ToHexStringLower(LinkMessages.TryParseMac(text)!), Is.EqualTo(hex));

    [TestCase("")]
    [TestCase("zz")]
    [TestCase("01.02.03.04.05.06")]
    [TestCase("01:02:03:04:05:06:")]
    [TestCase("x1:02:03:04:05:06")]
    [TestCase("01002:03:04:05:06")]
    [TestCase("01:02003:04:05:06")]
    [TestCase("01:02:03-04:05:06")]
    [TestCase("0123:4567:89AF")]
    [TestCase("0123-4567-89AF")]
    [TestCase("01:02:03:04:05")]
    [TestCase("0102.0304.0506.")]
    public void RefusesWhatGoRefuses(string text) => Assert.That(LinkMessages.TryParseMac(text), Is.Null);
}
