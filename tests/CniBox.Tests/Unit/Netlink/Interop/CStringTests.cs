using CniBox.Interop;

namespace CniBox.Tests.Unit.Netlink.Interop;

public class CStringTests
{
    [Test]
    public void APathIsUtf8WithOneTrailingNul() =>
        Assert.That(CString.Of("/run/é"), Is.EqualTo("/run/é\0"u8.ToArray()));

    [Test]
    public void ANulInsideIsRefusedRatherThanCuttingThePathShort()
    {
        var e = Assert.Throws<ArgumentException>(() => CString.Of("/tmp/cbt-d\0/../x"))!;
        Assert.That(e.Message, Is.EqualTo("\"/tmp/cbt-d\\x00/../x\": invalid argument (a NUL byte in a path)"));
    }
}
