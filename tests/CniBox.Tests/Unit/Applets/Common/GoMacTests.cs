using CniBox.Applets.Common;

namespace CniBox.Tests.Unit.Applets.Common;

/// <summary>Go's net.ParseMAC as the plugins report it (the forms themselves: Unit/Netlink/Links/MacParsingTests).</summary>
public class GoMacTests
{
    [TestCase("0000.5e00.5301", "00005e005301")]
    [TestCase("02:00:5e:10:00:00:00:01", "02005e1000000001")]
    public void ParsesGosForms(string text, string hex) =>
        Assert.That(Convert.ToHexStringLower(GoMac.TryParse(text)!), Is.EqualTo(hex));

    [TestCase("zz")]
    [TestCase("2:0:0:0:0:3")]
    public void RefusesWhatGoRefuses(string text) => Assert.That(GoMac.TryParse(text), Is.Null);

    [Test]
    public void InvalidTextIsGosAddrError() =>
        Assert.That(GoMac.InvalidText("zz"), Is.EqualTo("address zz: invalid MAC address"));
}
