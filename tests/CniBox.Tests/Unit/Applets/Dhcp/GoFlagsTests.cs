using CniBox.Applets.Dhcp;

namespace CniBox.Tests.Unit.Applets.Dhcp;

/// <summary><c>dhcp daemon</c>'s flags as Go's flag package reads them.</summary>
public sealed class GoFlagsTests
{
    private static readonly GoFlags Flags = new(new HashSet<string> { "broadcast" }, new HashSet<string> { "socketpath", "timeout" });

    [Test]
    public void OneOrTwoDashesWithSpaceOrEquals()
    {
        var values = Flags.Parse(["-socketpath", "/x.sock", "--timeout=5s", "-broadcast"]);
        Assert.That(values, Is.EqualTo(new Dictionary<string, string> { ["socketpath"] = "/x.sock", ["timeout"] = "5s", ["broadcast"] = "true" }));
    }

    [Test]
    public void AnUnknownFlagIsGosError() =>
        Assert.That(Assert.Throws<FormatException>(() => Flags.Parse(["-nope"]))!.Message, Is.EqualTo("flag provided but not defined: -nope"));

    [Test]
    public void AMissingValueIsAnError() =>
        Assert.That(Assert.Throws<FormatException>(() => Flags.Parse(["-timeout"]))!.Message, Is.EqualTo("flag needs an argument: -timeout"));

    [TestCase("10s", 10)]
    [TestCase("1m2s", 62)]
    [TestCase("3m28s", 208)]
    [TestCase("500ms", 0.5)]
    [TestCase("1.5h", 5400)]
    public void DurationsInGosSyntax(string text, double seconds) =>
        Assert.That(GoFlags.Duration(text), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [TestCase("10")]
    [TestCase("s")]
    [TestCase("5x")]
    public void BadDurationsAreRefused(string text) => Assert.Throws<FormatException>(() => GoFlags.Duration(text));
}
