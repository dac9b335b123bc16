using System.Text;
using CniBox.Spec;
using CniBox.Spec.Json;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Unit.Spec.Json;

/// <summary>
/// Fuzz findings (config-header, result, every config harness): System.Text.Json parsed invalid UTF-8 and lone
/// surrogate escapes inside strings and threw InvalidOperationException when the string or key was read, which a
/// plugin reported as code 999 "Cannot transcode invalid UTF-8 JSON text". Go reads each as U+FFFD.
/// </summary>
[TestFixture]
public sealed class GoJsonInputTests
{
    [Test]
    public void InvalidUtf8ReadsAsReplacementCharactersAsInGo()
    {
        byte[] json = [.. "{\"v\":\"n"u8, 0x80, 0xC0, (byte)'x', 0xE2, 0x82, .. "\"}"u8];
        Assert.That(Read(json), Is.EqualTo("n\uFFFD\uFFFDx\uFFFD\uFFFD"));
    }

    [Test]
    public void InvalidUtf8InANameIsGosInvalidNameError()
    {
        byte[] stdin = [.. "{\"cniVersion\":\"1.0.0\",\"name\":\"n"u8, 0x80, .. "\"}"u8];
        var error = Assert.Throws<CniException>(() => ConfigHeader.Parse(stdin));
        Assert.That(error!.Code, Is.EqualTo(ErrorCode.InvalidNetworkConfig));
    }

    [Test]
    public void InvalidUtf8InAKeyNoLongerThrows()
    {
        byte[] stdin = [.. "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"k"u8, 0xFF, .. "\":1}"u8];
        Assert.That(ConfigHeader.Parse(stdin).Name, Is.EqualTo("n"));
    }

    [TestCase("\\ud800", "\uFFFD")]
    [TestCase("\\udc00x", "\uFFFDx")]
    [TestCase("\\ud800\\u0041", "\uFFFDA")]
    [TestCase("\\ud83d\\ude00", "\U0001F600")]
    [TestCase("\\\\ud800", "\\ud800")]
    public void SurrogateEscapesReadAsGoReadsThem(string escaped, string expected)
    {
        Assert.That(Read(Encoding.UTF8.GetBytes($"{{\"v\":\"{escaped}\"}}")), Is.EqualTo(expected));
    }

    [Test]
    public void ValidTextIsParsedAsItIs()
    {
        Assert.That(GoJsonInput.Mend("{\"name\":\"ünï\\u00e9\\\\u\"}"u8), Is.Null);
    }

    private static string? Read(byte[] json) => GoJsonInput.Parse(json).RootElement.GetProperty("v").GetString();
}
