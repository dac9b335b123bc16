using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.CniTool;

/// <summary>
/// cnitool (ours) driving a bridge + host-local + loopback list inside a node netns, once with our plugins and once
/// with Debian's Go plugins: both containers of a run ping each other, and the results match after masking names/MACs.
/// </summary>
[Category("root")]
public class CniToolBridgeTests
{
    private readonly List<IDisposable> _cleanup = [];

    [TearDown]
    public void Cleanup()
    {
        foreach (var d in Enumerable.Reverse(_cleanup)) d.Dispose();
        _cleanup.Clear();
    }

    private sealed class TempDir(string path) : IDisposable
    {
        public string Path { get; } = path;
        public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
    }

    private (string Add, bool Ping) Run(string pluginDir, string tag, int subnet)
    {
        var node = new TestNetns(tag + "n");
        var a = new TestNetns(tag + "a");
        var b = new TestNetns(tag + "b");
        var root = new TempDir(Directory.CreateTempSubdirectory("cnibox-tool-br").FullName);
        _cleanup.AddRange([root, b, a, node]);
        Directory.CreateDirectory(System.IO.Path.Combine(root.Path, "net.d"));
        File.WriteAllText(System.IO.Path.Combine(root.Path, "net.d", "10-br.conflist"), $$$"""
            {"cniVersion":"1.0.0","name":"cbt-toolbr","plugins":[
              {"type":"bridge","bridge":"cbttool0","isGateway":true,
               "ipam":{"type":"host-local","dataDir":"{{{root.Path}}}/ipam","ranges":[[{"subnet":"10.199.{{{subnet}}}.0/24"}]]}},
              {"type":"loopback"}]}
            """);
        var env = new Dictionary<string, string>
        {
            ["NETCONFPATH"] = System.IO.Path.Combine(root.Path, "net.d"),
            ["CNI_PATH"] = pluginDir,
            ["CNI_CACHE_DIR"] = System.IO.Path.Combine(root.Path, "cache"),
        };
        ProcessResult Tool(params string[] args) =>
            PluginProcess.Run("ip", env, args: ["netns", "exec", node.Name, Binaries.Cnibox, "cnitool", .. args]);

        var addA = Tool("add", "cbt-toolbr", a.Path);
        Assert.That(addA.ExitCode, Is.EqualTo(0), addA.Stderr);
        var addB = Tool("add", "cbt-toolbr", b.Path);
        Assert.That(addB.ExitCode, Is.EqualTo(0), addB.Stderr);
        var ping = NetHarness.Ping(a, $"10.199.{subnet}.3") && NetHarness.Ping(b, $"10.199.{subnet}.2");
        foreach (var ns in new[] { a, b })
        {
            var check = Tool("check", "cbt-toolbr", ns.Path);
            Assert.That(check.ExitCode, Is.EqualTo(0), check.Stderr);
            var del = Tool("del", "cbt-toolbr", ns.Path);
            Assert.That(del.ExitCode, Is.EqualTo(0), del.Stderr);
        }
        Assert.That(a.IpIn("-o", "link"), Does.Not.Contain("eth0"));
        return (Mask(addA.Stdout.Replace(a.Path, "NETNS"), subnet), ping);
    }

    private static string Mask(string json, int subnet)
    {
        var text = Regex.Replace(json, "\"([0-9a-f]{2}:){5}[0-9a-f]{2}\"", "\"MAC\"");
        text = Regex.Replace(text, "veth[0-9a-f]{8}", "VETH").Replace($"10.199.{subnet}.", "10.199.X.");
        var node = JsonNode.Parse(text)!.AsObject();
        if (node["dns"] is JsonObject { Count: 0 }) node.Remove("dns");
        return Sorted(node)!.ToJsonString();
    }

    private static JsonNode? Sorted(JsonNode? n) => n switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => n?.DeepClone(),
    };

    [Test]
    public void OurPluginsAndTheGoPluginsGiveTheSameResultAndConnectivity()
    {
        Binaries.RequirePublished();
        Binaries.RequireGoPlugin("bridge");
        var ours = Run(Binaries.AppletDir, "tbo", 41);
        Cleanup();
        var go = Run(Binaries.GoPluginDir, "tbg", 42);
        Assert.That(ours.Ping, Is.True, "containers on our bridge reach each other");
        Assert.That(go.Ping, Is.True, "containers on Go's bridge reach each other");
        Assert.That(ours.Add, Is.EqualTo(go.Add));
    }
}
