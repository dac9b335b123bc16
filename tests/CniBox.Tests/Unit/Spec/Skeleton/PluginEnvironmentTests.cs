using CniBox.Spec;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Unit.Spec.Skeleton;

public class PluginEnvironmentTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    private static CniException Fails(CniCommand command, Func<string, string?> env) =>
        Assert.Throws<CniException>(() => PluginEnvironment.Validate(command, env))!;

    [TestCase(CniCommand.Add, "[CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH]")]
    [TestCase(CniCommand.Check, "[CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH]")]
    [TestCase(CniCommand.Del, "[CNI_CONTAINERID,CNI_IFNAME,CNI_PATH]")]
    [TestCase(CniCommand.Gc, "[CNI_PATH]")]
    [TestCase(CniCommand.Status, "[CNI_PATH]")]
    public void AllMissingVariablesInOneError(CniCommand command, string list)
    {
        var error = Fails(command, Env());
        Assert.That(error.Code, Is.EqualTo(ErrorCode.InvalidEnvironment));
        Assert.That(error.Msg, Is.EqualTo($"required env variables {list} missing"));
    }

    [Test]
    public void VersionNeedsNothing() => PluginEnvironment.Validate(CniCommand.Version, Env());

    [TestCase("-bad")]
    [TestCase("a b")]
    [TestCase("a/b")]
    public void BadContainerIdFailsWithTheIdAsDetails(string id)
    {
        var error = Fails(CniCommand.Del, Env(("CNI_CONTAINERID", id), ("CNI_IFNAME", "eth0"), ("CNI_PATH", "/x")));
        Assert.That((error.Code, error.Msg, error.Details), Is.EqualTo((4, "invalid characters in containerID", id)));
    }

    [TestCase("0123456789abcdef", "interface name is too long")]
    [TestCase(".", "interface name is . or ..")]
    [TestCase("..", "interface name is . or ..")]
    [TestCase("a/b", "interface name contains / or : or whitespace characters")]
    [TestCase("a:b", "interface name contains / or : or whitespace characters")]
    [TestCase("a b", "interface name contains / or : or whitespace characters")]
    public void BadInterfaceNames(string ifName, string msg)
    {
        var error = Fails(CniCommand.Del, Env(("CNI_CONTAINERID", "c1"), ("CNI_IFNAME", ifName), ("CNI_PATH", "/x")));
        Assert.That((error.Code, error.Msg), Is.EqualTo((4, msg)));
    }

    [Test]
    public void FifteenByteInterfaceNameIsFine() =>
        PluginEnvironment.Validate(CniCommand.Del, Env(("CNI_CONTAINERID", "c1"), ("CNI_IFNAME", "0123456789abcde"), ("CNI_PATH", "/x")));

    [Test]
    public void InvalidValueWinsOverLaterMissingOnes()
    {
        var error = Fails(CniCommand.Add, Env(("CNI_CONTAINERID", "-x")));
        Assert.That(error.Msg, Is.EqualTo("invalid characters in containerID"));
    }

    [TestCase("abc", true)]
    [TestCase("a.b-c_d", true)]
    [TestCase("_x", false)]
    [TestCase("", false)]
    [TestCase("é", false)]
    public void IdentifierPattern(string text, bool valid) => Assert.That(Identifier.IsValid(text), Is.EqualTo(valid));
}
