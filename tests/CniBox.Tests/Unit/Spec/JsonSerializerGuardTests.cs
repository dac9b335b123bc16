using System.Text.Json;
using CniBox.Spec.Config;
using CniBox.Spec.Results;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit.Spec;

/// <summary>
/// The plugin path must not touch JsonSerializer: in the NativeAOT binary its first Deserialize costs ~0.9 ms per
/// process (context creation, then the runtime type loader resolving STJ's generics), while a whole Go loopback
/// ADD is ~2.2 ms. Configs, prevResults and IPAM results go through JsonDocument + JsonFields instead.
/// </summary>
public class JsonSerializerGuardTests
{
    private static readonly string[] Scanned = ["Spec", "Applets", "Ipam", "Netlink"];

    /// <summary>Cold-path files allowed to use JsonSerializer, relative to the repo root with '/' separators.</summary>
    private static readonly HashSet<string> Allowed = ["Spec/Json/CniJsonContext.cs"];

    [Test]
    public void NoJsonSerializerOutsideTheContextAndTheAllowList()
    {
        var offenders = new List<string>();
        foreach (var dir in Scanned)
        {
            var full = Path.Combine(Binaries.RepoRoot, dir);
            if (!Directory.Exists(full)) continue;
            foreach (var file in Directory.EnumerateFiles(full, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(Binaries.RepoRoot, file).Replace('\\', '/');
                if (relative.Contains("/obj/") || relative.Contains("/bin/") || Allowed.Contains(relative)) continue;
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    if (lines[i].Contains("JsonSerializer.") || lines[i].Contains("CniJsonContext."))
                        offenders.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.That(offenders, Is.Empty, "JsonSerializer on the plugin path; use JsonDocument + JsonFields (or allow-list a cold path)");
    }

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
