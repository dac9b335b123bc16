using CniBox.Spec;

namespace CniBox.Tests.Unit.Spec;

public class CniVersionTests
{
    [TestCase("", 0, 1, 0)]
    [TestCase("1", 1, 0, 0)]
    [TestCase("0.4", 0, 4, 0)]
    [TestCase("1.1.0", 1, 1, 0)]
    public void Parses(string text, int major, int minor, int patch)
    {
        Assert.That(CniVersion.TryParse(text, out var v), Is.True);
        Assert.That(v, Is.EqualTo((major, minor, patch)));
    }

    [TestCase("v1.0.0")]
    [TestCase("1.0.0-rc1")]
    [TestCase("1.2.3.4")]
    [TestCase("1..0")]
    public void RejectsWhatLibcniRejects(string text) => Assert.That(CniVersion.TryParse(text, out _), Is.False);

    [Test]
    public void SupportedIsStringEquality()
    {
        Assert.That(CniVersion.IsSupported("1.0.0"), Is.True);
        Assert.That(CniVersion.IsSupported("1.0"), Is.False);
        Assert.That(CniVersion.IsSupported(""), Is.True);
    }
}
