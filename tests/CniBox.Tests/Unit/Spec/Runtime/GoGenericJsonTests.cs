using System.Text.Json;
using CniBox.Spec.Runtime;

namespace CniBox.Tests.Unit.Spec.Runtime;

/// <summary>Go's json.Unmarshal into interface{} then json.Marshal, which libcni applies to every plugin config.</summary>
public class GoGenericJsonTests
{
    private static string Marshal(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return GoGenericJson.Marshal(doc.RootElement);
    }

    // Expected texts are Go's strconv.AppendFloat('f' or 'e', -1, 64) as encoding/json prints a float64.
    [TestCase("1", "1")]
    [TestCase("1.0", "1")]
    [TestCase("1e2", "100")]
    [TestCase("1500", "1500")]
    [TestCase("-2.50", "-2.5")]
    [TestCase("3.14159", "3.14159")]
    [TestCase("0.000001", "0.000001")]
    [TestCase("0.0000001", "1e-7")]
    [TestCase("1.2e-7", "1.2e-7")]
    [TestCase("1e-10", "1e-10")]
    [TestCase("1e20", "100000000000000000000")]
    [TestCase("1e21", "1e+21")]
    [TestCase("123456789012345678", "123456789012345680")]
    [TestCase("4294967295", "4294967295")]
    [TestCase("-0", "-0")]
    [TestCase("0.0", "0")]
    public void NumbersPrintAsGoPrintsTheFloat64(string input, string expected) =>
        Assert.That(Marshal(input), Is.EqualTo(expected));

    [Test]
    public void KeysAreSortedAtEveryLevelAndTheLastDuplicateWins() =>
        Assert.That(Marshal("""{"b":{"z":1,"a":[{"y":true,"x":null}]},"a":"<&>","B":2,"b2":"x","b":{"k":"last"}}"""),
            Is.EqualTo("""{"B":2,"a":"\u003c\u0026\u003e","b":{"k":"last"},"b2":"x"}"""));

    [Test]
    public void NestedArraysAndObjectsAreSorted() =>
        Assert.That(Marshal("""{"r":[{"z":1,"a":{"d":2,"c":1}}],"e":[]}"""),
            Is.EqualTo("""{"e":[],"r":[{"a":{"c":1,"d":2},"z":1}]}"""));

    [Test]
    public void KeyOrderIsUtf8ByteOrder()
    {
        // U+FB01 (EF AC 81 in UTF-8) sorts before U+1F600 (F0 9F 98 80), though its UTF-16 unit is larger.
        var keys = new[] { "\U0001F600", "\uFB01", "a" }.OrderBy(k => k, GoGenericJson.KeyOrder).ToList();
        Assert.That(keys, Is.EqualTo(new[] { "a", "\uFB01", "\U0001F600" }));
    }
}
