using System.Text;
using System.Text.Json;
using CniBox.Applets;
using CniBox.Spec.Skeleton;
using CniBox.Tests.Support;

namespace CniBox.Tests.Processes.HostileInput;

/// <summary>
/// Every case of <see cref="HostileInputCatalogue"/> through the published binary's applet symlink, run inside a
/// throwaway node netns (<c>cbt-hy-*</c>, with a veth <c>cbthym</c> as the master link) against a container netns:
/// exit 1, a CNI error object with the expected code on stdout, no stack trace on stdout or stderr at the default
/// log level, and nothing created: no new link in either netns, no file under the IPAM dataDir, no state under
/// /var/lib/cni or /run/cni named after the test network or container.
/// Codes: where Debian's Go plugins 1.1.1 answer 999 for a decoding or config error, ours answer 6 or 7 as the
/// reference plugins since have; firewall refuses an unknown backend (7) where 1.1.1 has no such key; portmap refuses
/// a host port above 65535 (7) before iptables does (999). Deep nesting fails at depth 64 (System.Text.Json's
/// limit) rather than Go's 10,000, with the same code 6. host-device refuses a bad hwaddr or kernelpath (Go: 999) and
/// a NUL in a path key with 7; flannel refuses a delegate type with a '/' with FindInPath's 7 (libcni: 999) and a
/// delegate missing from CNI_PATH before its scratch file is written (flannel leaves the file). tap, sbr, vrf and
/// flannel's codes where Debian's 1.1.1 has no such plugin or key are upstream 1.9's.
/// </summary>
[Category("process")]
[NonParallelizable]
public sealed class HostileInputTests
{
    private const string ContainerId = "cbthyctr";
    private static readonly string[] StateRoots = ["/var/lib/cni", "/run/cni"];

    private static IEnumerable<TestCaseData> Cases() =>
        HostileInputCatalogue.All.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Applet, c.Description));

    [TestCaseSource(nameof(Cases))]
    public void BadInputIsACniErrorAndCreatesNothing(HostileCase hostile)
    {
        TestNetns.RequireRoot();
        Binaries.RequirePublished();
        using var node = new TestNetns("hy");
        using var container = new TestNetns("hy");
        node.IpIn("link", "add", "cbthym", "type", "veth", "peer", "name", "cbthyp");
        string dataDir = Directory.CreateTempSubdirectory("cbthy-data-").FullName;
        string envDir = Directory.CreateTempSubdirectory("cbthy-env-").FullName;
        string subnetEnv = Path.Combine(envDir, "subnet.env");
        File.WriteAllText(subnetEnv, "FLANNEL_NETWORK=10.199.0.0/16\nFLANNEL_SUBNET=10.199.154.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n");
        var stateBefore = State();
        try
        {
            string nodeLinks = node.IpIn("-o", "link"), containerLinks = container.IpIn("-o", "link");
            byte[] stdin = Substitute(hostile.Stdin, container.Path, dataDir, subnetEnv);
            var env = PluginProcess.Env("ADD", ContainerId, container.Path, path: Binaries.AppletDir);
            foreach (var (key, value) in hostile.Env) env[key] = value;
            var result = PluginProcess.Run("ip", env, stdin, ["netns", "exec", node.Name, Binaries.Applet(hostile.Applet)]);

            Assert.That(result.ExitCode, Is.EqualTo(1), $"stdout: {result.Stdout}\nstderr: {result.Stderr}");
            using (var error = JsonDocument.Parse(result.Stdout))
            {
                Assert.That(error.RootElement.GetProperty("code").GetInt32(), Is.EqualTo(hostile.Code), result.Stdout);
                Assert.That(error.RootElement.GetProperty("msg").GetString(), Is.Not.Empty);
            }
            Assert.That(result.Stdout + result.Stderr, Does.Not.Contain("   at "), "no stack trace at the default log level");
            Assert.That(result.Stdout, Does.Not.Match(@"\b(Arg|Argument|IO|InvalidOperation|NotSupported|Overflow|UnauthorizedAccess)_[A-Z][a-z]"),
                "no .NET resource key (NativeAOT's text of a stray exception)");
            Assert.That(node.IpIn("-o", "link"), Is.EqualTo(nodeLinks), "no link left in the node");
            Assert.That(container.IpIn("-o", "link"), Is.EqualTo(containerLinks), "no link left in the container");
            Assert.That(Directory.GetFileSystemEntries(dataDir, "*", SearchOption.AllDirectories), Is.Empty, "nothing under the IPAM dataDir");
            Assert.That(State().Except(stateBefore), Is.Empty, "nothing of the test under /var/lib/cni or /run/cni");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
            Directory.Delete(envDir, recursive: true);
            foreach (var path in State().Except(stateBefore).OrderByDescending(p => p.Length))
                if (File.Exists(path)) File.Delete(path); else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>Every applet of AppletTable but the tool: a new plugin applet fails here until it has rows.</summary>
    [Test]
    public void EveryPluginAppletHasACatalogue() =>
        Assert.That(HostileInputCatalogue.Applets, Is.EquivalentTo(
            AppletTable.All.Where(a => a.Kind != AppletKind.Tool).Select(a => a.Name)));

    /// <summary>Paths under the state roots that name the test's network or container.</summary>
    private static HashSet<string> State() =>
        [.. StateRoots.Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
            .Where(p => p.Contains(HostileInputCatalogue.NetworkName, StringComparison.Ordinal) || p.Contains(ContainerId, StringComparison.Ordinal))];

    private static byte[] Substitute(byte[] stdin, string netns, string dataDir, string subnetEnv) =>
        Replace(Replace(Replace(stdin, "NETNS", netns), HostileInputCatalogue.DataDirToken, dataDir),
            HostileInputCatalogue.SubnetEnvToken, subnetEnv);

    private static byte[] Replace(byte[] text, string from, string to)
    {
        byte[] needle = Encoding.UTF8.GetBytes(from), replacement = Encoding.UTF8.GetBytes(to);
        var output = new List<byte>(text.Length);
        for (int i = 0; i < text.Length;)
        {
            if (text.AsSpan(i).StartsWith(needle))
            {
                output.AddRange(replacement);
                i += needle.Length;
            }
            else output.Add(text[i++]);
        }
        return [.. output];
    }
}
