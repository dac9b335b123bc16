using System.Security.Cryptography;
using System.Text;
using CniBox.Applets.CniTool;

namespace CniBox.Tests.Unit.Applets.CniTool;

public class ContainerIdentityTests
{
    [TestCase("/var/run/netns/x")]
    [TestCase("/run/netns/cbt-abc")]
    [TestCase("")]
    [TestCase("/a/path/that/is/longer/than/one/sha512/block/of/one/hundred/and/twenty/eight/bytes/so/padding/spills/into/a/second/block/xyz")]
    public void ContainerIdIsTheSha512PrefixOfThePath(string path)
    {
        var expected = "cnitool-" + Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(path))[..10]);
        Assert.That(ContainerIdentity.ContainerId(path), Is.EqualTo(expected));
        Assert.That(ContainerIdentity.ContainerId(path), Does.Match("^cnitool-[0-9a-f]{20}$"));
    }

    [TestCase("/var/run/netns/x", "/tmp", "/var/run/netns/x")]
    [TestCase("/var/run//netns/./x/", "/tmp", "/var/run/netns/x")]
    [TestCase("/var/run/netns/../netns/x", "/tmp", "/var/run/netns/x")]
    [TestCase("x", "/var/run/netns", "/var/run/netns/x")]
    [TestCase("../x", "/var/run/netns", "/var/run/x")]
    [TestCase("/..", "/tmp", "/")]
    public void NetnsPathIsMadeAbsoluteAndCleanedAsGoDoes(string path, string cwd, string expected) =>
        Assert.That(ContainerIdentity.Absolute(path, cwd), Is.EqualTo(expected));
}
