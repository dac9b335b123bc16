using System.Text.Json;
using CniBox.Spec.Config;
using CniBox.Spec.Results;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit.Spec.Json;

/// <summary>
/// The plugin path must not touch JsonSerializer: in the NativeAOT binary its first Deserialize costs ~0.9 ms per
/// process (context creation, then the runtime type loader resolving STJ's generics), while a whole Go loopback
/// ADD is ~2.2 ms. Configs, prevResults and IPAM results go through JsonDocument + JsonFields instead. Checked on the
/// compiled cnibox.dll, which must not reference the serializer at all: no cold path needs it either.
/// </summary>
public class JsonSerializerGuardTests
{
    /// <summary>The serializer itself, source-generated contexts, and the type metadata both run on.</summary>
    private static bool IsSerializer(TypeName t) =>
        t.FullName is "System.Text.Json.JsonSerializer" or "System.Text.Json.Serialization.JsonSerializerContext" ||
        t.Namespace == "System.Text.Json.Serialization.Metadata";

    private static List<string> SerializerUses(System.Reflection.Assembly assembly) =>
        TypeReferences.Of(assembly).Where(r => IsSerializer(r.Referenced)).Select(r => r.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();

    [Test]
    public void NoProductTypeUsesJsonSerializer()
    {
        var uses = SerializerUses(typeof(CniResult).Assembly);
        Assert.That(uses, Is.Empty, "JsonSerializer in cnibox; use JsonDocument + JsonFields:\n" + string.Join("\n", uses));
    }

    /// <summary>The check can fail: this fixture itself touches JsonSerializer (below), and the same scan finds it.</summary>
    [Test]
    public void TheScanFindsJsonSerializerWhereItIsUsed() =>
        Assert.That(SerializerUses(typeof(JsonSerializerGuardTests).Assembly),
            Does.Contain($"{typeof(JsonSerializerGuardTests).FullName} -> System.Text.Json.JsonSerializer"));

    [Test]
    public void HotPathParsersWorkWithReflectionDisabled()
    {
        // The project sets JsonSerializerIsReflectionEnabledByDefault=false; these parsers must not need it (nor the context).
        Assert.That(JsonSerializer.IsReflectionEnabledByDefault, Is.False);
        var conf = NetConf.Parse("""{"cniVersion":"1.0.0","name":"n","type":"t","prevResult":{"ips":[{"address":"10.0.0.2/24"}]}}"""u8);
        Assert.That(conf.ParsePrevResult()!.Ips.Single().Address, Is.EqualTo("10.0.0.2/24"));
        Assert.That(CniResult.Parse("""{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.3/24"}]}"""u8).Ips.Single().Address,
            Is.EqualTo("10.0.0.3/24"));
        Assert.That(CniResult.ParsePrevResult(conf.PrevResult!.Value, "1.0.0").CniVersion, Is.EqualTo("1.0.0"));
    }
}
