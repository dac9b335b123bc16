using CniBox.Spec;

namespace CniBox.Tests.Unit.Spec;

public class CniArgsTests
{
    private static readonly string[] Known = ["IP", "MAC"];

    [TestCase(null)]
    [TestCase("")]
    public void EmptyIsNothing(string? args) => Assert.That(CniArgs.Parse(args, Known), Is.Empty);

    [Test]
    public void KnownKeys() =>
        Assert.That(CniArgs.Parse("IP=10.0.0.2;MAC=aa:bb:cc:dd:ee:ff", Known),
            Is.EquivalentTo(new Dictionary<string, string> { ["IP"] = "10.0.0.2", ["MAC"] = "aa:bb:cc:dd:ee:ff" }));

    [TestCase("IgnoreUnknown=1;K8S_POD_NAME=x;IP=10.0.0.2")]
    [TestCase("K8S_POD_NAME=x;IgnoreUnknown=TRUE;IP=10.0.0.2")]
    public void IgnoreUnknownAllowsUnknownKeys(string args) =>
        Assert.That(CniArgs.Parse(args, Known)["IP"], Is.EqualTo("10.0.0.2"));

    [TestCase("A=1;B", "ARGS: invalid pair \"B\"")]
    [TestCase("A=1;", "ARGS: invalid pair \"\"")]
    [TestCase("IP=a=b", "ARGS: invalid pair \"IP=a=b\"")]
    [TestCase("K8S_POD_NAME=x;ip=1", "ARGS: unknown args [\"K8S_POD_NAME=x\" \"ip=1\"]")]
    [TestCase("IgnoreUnknown=0;X=1", "ARGS: unknown args [\"X=1\"]")]
    [TestCase("IgnoreUnknown=Yes", "ARGS: error parsing value of pair \"IgnoreUnknown=Yes\": boolean unmarshal error: invalid input yes)")]
    public void GoErrors(string args, string msg)
    {
        var e = Assert.Throws<CniException>(() => CniArgs.Parse(args, Known));
        Assert.That((e!.Code, e.Msg), Is.EqualTo((ErrorCode.Internal, msg)));
    }

    [Test]
    public void StrictKeepsOrder() =>
        Assert.That(CniArgs.ParseStrict("B=2;A=1"), Is.EqualTo(new[] { new KeyValuePair<string, string>("B", "2"), new("A", "1") }));

    [TestCase("A=1;B", "B")]
    [TestCase("A=1;", "")]
    [TestCase("A=1=2", "A=1=2")]
    [TestCase("=1", "=1")]
    [TestCase("A=", "A=")]
    public void StrictRejectsAnythingButNonEmptyPairs(string args, string piece) =>
        Assert.That(Assert.Throws<CniException>(() => CniArgs.ParseStrict(args))!.Msg, Is.EqualTo($"invalid CNI_ARGS pair \"{piece}\""));
}
