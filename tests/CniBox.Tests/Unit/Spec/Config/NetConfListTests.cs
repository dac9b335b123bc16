using System.Text;
using CniBox.Spec;
using CniBox.Spec.Config;

namespace CniBox.Tests.Unit.Spec.Config;

public class NetConfListTests
{
    private static NetConfList Parse(string json) => NetConfList.Parse(Encoding.UTF8.GetBytes(json));

    private static string Error(string json) => Assert.Throws<CniException>(() => Parse(json))!.Msg;

    [Test]
    public void ReadsAList()
    {
        var l = Parse("""{"cniVersion":"1.0.0","name":"dbnet","plugins":[{"type":"bridge","x":1},{"type":"tuning"}]}""");
        Assert.That((l.Name, l.CniVersion, l.DisableCheck, l.DisableGC, l.LoadOnlyInlinedPlugins), Is.EqualTo(("dbnet", "1.0.0", false, false, false)));
        Assert.That(l.Plugins.Select(p => p.GetProperty("type").GetString()), Is.EqualTo(new[] { "bridge", "tuning" }));
        Assert.That(l.Plugins[0].GetProperty("x").GetInt32(), Is.EqualTo(1));
    }

    [TestCase("""["1.0.0","1.1.0","2.0.0"]""", "0.4.0", "1.1.0")]
    [TestCase("""["0.3.1"]""", "1.0.0", "1.0.0")]
    [TestCase("""["2.0.0"]""", "3.0.0", "3.0.0")]
    [TestCase("""["0.4.0","0.10.0"]""", "", "0.10.0")]
    [TestCase("[]", "0.4.0", "0.4.0")]
    public void VersionSelection(string versions, string version, string expected)
    {
        var cniVersion = version == "" ? "" : $"\"cniVersion\":\"{version}\",";
        Assert.That(Parse($$"""{{{cniVersion}}"cniVersions":{{versions}},"name":"n","plugins":[{"type":"a"}]}""").CniVersion, Is.EqualTo(expected));
    }

    [TestCase("true", true)]
    [TestCase("\"TRUE\"", true)]
    [TestCase("\"false\"", false)]
    [TestCase("false", false)]
    public void BoolsAcceptJsonBoolsAndStrings(string value, bool expected)
    {
        var l = Parse($$"""{"name":"n","disableCheck":{{value}},"disableGC":{{value}},"loadOnlyInlinedPlugins":{{value}},"plugins":[{"type":"a"}]}""");
        Assert.That((l.DisableCheck, l.DisableGC, l.LoadOnlyInlinedPlugins), Is.EqualTo((expected, expected, expected)));
    }

    [TestCase("""{"name":"n","disableCheck":"yes","plugins":[{"type":"a"}]}""", "invalid value \"yes\" for disableCheck")]
    [TestCase("""{"name":"n","disableGC":1,"plugins":[{"type":"a"}]}""", "invalid type float64 for disableGC")]
    [TestCase("""{"cniVersion":"1.0.0","plugins":[]}""", "no name")]
    [TestCase("""{"name":5}""", "invalid name type float64")]
    [TestCase("""{"name":"n","cniVersion":true}""", "invalid cniVersion type bool")]
    [TestCase("""{"name":"n","plugins":[]}""", "no plugins in list")]
    [TestCase("""{"name":"n","plugins":{}}""", "invalid 'plugins' type map[string]interface {}")]
    [TestCase("""{"name":"n","loadOnlyInlinedPlugins":true}""", "`loadOnlyInlinedPlugins` is true, and no 'plugins' key")]
    [TestCase("""{"name":"n","cniVersions":["1.0.0",1]}""", "invalid type for cniVersions index 1: float64")]
    public void LibcniErrors(string json, string expected) =>
        Assert.That(Error(json), Is.EqualTo("error parsing configuration list: " + expected));

    [Test]
    public void PluginWithoutTypeFails() =>
        Assert.That(Error("""{"name":"n","plugins":[{"type":"a"},{"name":"x"}]}"""),
            Is.EqualTo("failed to parse plugin config 1: error parsing configuration: missing 'type'"));

    [Test]
    public void NoPluginsKeyIsFineUntilFilesAreLoaded() =>
        Assert.That(Parse("""{"name":"n","cniVersion":"1.1.0"}""").Plugins, Is.Empty);

    [Test]
    public void NotJsonIsCode6() =>
        Assert.That(Assert.Throws<CniException>(() => Parse("{"))!.Code, Is.EqualTo(ErrorCode.DecodingFailure));
}
