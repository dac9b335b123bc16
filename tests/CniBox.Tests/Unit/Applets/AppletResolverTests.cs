using CniBox.Applets;

namespace CniBox.Tests.Unit.Applets;

public class AppletResolverTests
{
    [TestCase("/opt/cni/bin/loopback", "loopback")]
    [TestCase("loopback", "loopback")]
    [TestCase("-loopback", "loopback")]
    [TestCase("/usr/libexec/cni/loopback", "loopback")]
    public void SymlinkNameSelectsTheApplet(string argv0, string applet)
    {
        var resolution = AppletResolver.Resolve(argv0, ["x"]);
        Assert.That(resolution, Is.TypeOf<Resolution.Applet>());
        var found = (Resolution.Applet)resolution;
        Assert.That(found.Entry.Name, Is.EqualTo(applet));
        Assert.That(found.Args, Is.EqualTo(new[] { "x" }), "arguments pass through untouched");
    }

    [Test]
    public void CniboxShiftsTheFirstArgument()
    {
        var resolution = (Resolution.Applet)AppletResolver.Resolve("/usr/bin/cnibox", ["loopback", "a", "b"]);
        Assert.That(resolution.Entry.Name, Is.EqualTo("loopback"));
        Assert.That(resolution.Args, Is.EqualTo(new[] { "a", "b" }));
    }

    [TestCase]
    [TestCase("--list")]
    [TestCase("--install", "/tmp/x")]
    [TestCase("--version")]
    public void CniboxWithNoAppletIsTheFrontDoor(params string[] args) =>
        Assert.That(AppletResolver.Resolve("./cnibox", args), Is.TypeOf<Resolution.FrontDoor>());

    [TestCase("/opt/cni/bin/nosuch", "nosuch")]
    [TestCase("cnibox", "nosuch")]
    public void UnknownNamesAreReported(string argv0, string expected)
    {
        var resolution = AppletResolver.Resolve(argv0, argv0 == "cnibox" ? ["nosuch"] : []);
        Assert.That(resolution, Is.EqualTo(new Resolution.Unknown(expected)));
    }

    [Test]
    public void TableIsAlphabeticalAndUnique()
    {
        var names = AppletTable.All.Select(e => e.Name).ToList();
        Assert.That(names, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(names, Is.Unique);
    }
}
