using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CniBox.Tests.Support;

namespace CniBox.Tests.Processes;

/// <summary>
/// The static-binary guard on every applet's hot path: each verb of each applet runs under <c>strace -f</c> and
/// may neither open a shared object (a dlopen, even a failed one, shows as an open of a <c>.so</c> path) nor start a
/// process other than the plugins cnitool is asked to run. The glibc functions behind the six static-link warnings
/// of <c>dotnet publish</c> (README "Static linking") would show here as opens of libnss_*.so or libssl.so.
/// </summary>
[Category("root")]
public partial class NoSharedObjectProcessTests
{
    private static readonly string[] Verbs = ["ADD", "CHECK", "DEL"];

    [GeneratedRegex("\"[^\"]*\\.so(\\.[0-9]+)*\"")]
    private static partial Regex SharedObjectPath();

    [TestCase("loopback")]
    [TestCase("host-local")]
    [TestCase("static")]
    [TestCase("bridge")]
    [TestCase("ptp")]
    [TestCase("bandwidth")]
    [TestCase("firewall")]
    [TestCase("flannel")]
    public void PluginVerbsOpenNoSharedObject(string applet)
    {
        RequireTools();
        using var net = new NetHarness("so");
        var container = net.Container();
        var conf = JsonNode.Parse(Conf(applet, net))!.AsObject();
        if (applet is "bandwidth" or "firewall")
        {
            // Chained: our ptp (untraced) gives the veth and the prevResult.
            var ptp = NetHarness.Conf("ptp", "1.0.0", net.HostLocal(applet == "firewall" ? "10.199.200.0/24" : "10.199.224.0/24"));
            conf["prevResult"] = JsonNode.Parse(CniAssert.Success(net.Run(Binaries.Applet("ptp"), "ADD", ptp, container.Path, "cbt-so")).GetRawText());
        }
        foreach (var verb in Verbs)
        {
            var env = PluginProcess.Env(verb, "cbt-so", container.Path, "eth0", Binaries.AppletDir);
            var (result, trace) = Traced(env, conf.ToJsonString(), ["ip", "netns", "exec", net.Host.Name], [Binaries.Applet(applet)]);
            Assert.That(result.ExitCode, Is.EqualTo(0), $"{applet} {verb}: {result.Stdout}{result.Stderr}");
            AssertNoSharedObject(trace, $"{applet} {verb}");
            Assert.That(Execs(trace), Is.EqualTo(1), $"{applet} {verb} started a process:\n{trace}");
            if (verb == "ADD") conf["prevResult"] = JsonNode.Parse(result.Stdout);
        }
    }

    /// <summary>
    /// Go's iptables layouts (bridge's <c>ipMasqBackend: iptables</c>, portmap's <c>backend: iptables</c>) on a host
    /// namespace that iptables-nft owns: written, checked and removed over netlink, so no iptables process starts.
    /// </summary>
    [TestCase("bridge")]
    [TestCase("portmap")]
    public void IptablesLayoutsStartNoIptablesOnNftHosts(string applet)
    {
        RequireTools();
        using var net = new NetHarness("so");
        var container = net.Container();
        string conf;
        if (applet == "bridge")
            conf = NetHarness.Conf("bridge", "1.0.0", net.HostLocal("10.199.151.0/24"),
                ",\"bridge\":\"cbtxt1\",\"isGateway\":true,\"ipMasq\":true,\"ipMasqBackend\":\"iptables\"");
        else
        {
            var ptp = NetHarness.Conf("ptp", "1.0.0", net.HostLocal("10.199.152.0/24"));
            var prev = CniAssert.Success(net.Run(Binaries.Applet("ptp"), "ADD", ptp, container.Path, "cbt-so")).GetRawText();
            conf = NetHarness.Conf("portmap", "1.0.0", "", ",\"backend\":\"iptables\",\"snat\":true,\"runtimeConfig\":{\"portMappings\":" +
                "[{\"hostPort\":18080,\"containerPort\":80,\"protocol\":\"tcp\"},{\"hostPort\":18053,\"containerPort\":53,\"protocol\":\"udp\"}]}" +
                ",\"prevResult\":" + prev);
        }
        var node = JsonNode.Parse(conf)!.AsObject();
        foreach (var verb in Verbs)
        {
            var env = PluginProcess.Env(verb, "cbt-so", container.Path, "eth0", Binaries.AppletDir);
            var (result, trace) = Traced(env, node.ToJsonString(), ["ip", "netns", "exec", net.Host.Name], [Binaries.Applet(applet)]);
            Assert.That(result.ExitCode, Is.EqualTo(0), $"{applet} {verb}: {result.Stdout}{result.Stderr}");
            Assert.That(Execs(trace), Is.EqualTo(1), $"{applet} {verb} started a process:\n{trace}");
            if (verb == "ADD")
            {
                string save = NftTestNetns.Run("ip", ["netns", "exec", net.Host.Name, "iptables-nft-save", "-t", "nat"]);
                Assert.That(save, Does.Contain(applet == "bridge" ? "-j MASQUERADE" : "-j DNAT --to-destination"), "the layout is there for iptables");
                if (applet == "bridge") node["prevResult"] = JsonNode.Parse(result.Stdout);
            }
        }
    }

    [Test]
    public void CnitoolVerbsOpenNoSharedObject()
    {
        RequireTools();
        using var ns = new TestNetns("so");
        var root = Directory.CreateTempSubdirectory("cnibox-so").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "net.d"));
            File.WriteAllText(Path.Combine(root, "net.d", "10-lo.conflist"),
                """{"cniVersion":"1.0.0","name":"cbt-lo","plugins":[{"type":"loopback"}]}""");
            var env = new Dictionary<string, string>
            {
                ["NETCONFPATH"] = Path.Combine(root, "net.d"),
                ["CNI_PATH"] = Binaries.AppletDir,
                ["CNI_CACHE_DIR"] = Path.Combine(root, "cache"),
                ["CNI_IFNAME"] = "lo",
            };
            foreach (var verb in new[] { "add", "check", "del" })
            {
                var (result, trace) = Traced(env, "", [], [Binaries.Applet("cnitool"), verb, "cbt-lo", ns.Path]);
                Assert.That(result.ExitCode, Is.EqualTo(0), $"cnitool {verb}: {result.Stdout}{result.Stderr}");
                AssertNoSharedObject(trace, $"cnitool {verb}");
                Assert.That(Execs(trace), Is.EqualTo(2), $"cnitool {verb} runs exactly the one plugin:\n{trace}");
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    /// <summary>
    /// Help on a terminal, with HOME unset: System.CommandLine's default help width asks Console.WindowWidth, which
    /// reads terminfo and may look the user up through NSS (a dlopen of libnss_*.so with Debian's nsswitch.conf).
    /// </summary>
    [TestCase("cnibox", "--help")]
    [TestCase("cnibox", "-h")]
    [TestCase("cnitool", "--help")]
    [TestCase("cnitool", "add --help")]
    public void HelpOnATerminalOpensNoSharedObject(string applet, string args)
    {
        RequireTools();
        Assume.That(File.Exists("/usr/bin/script"), "needs script (util-linux) for a terminal");
        var binary = applet == "cnibox" ? Binaries.Cnibox : Binaries.Applet(applet);
        var log = Path.Combine(Path.GetTempPath(), $"cnibox-so-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var inner = $"env -u HOME TERM=xterm strace -f -qq -s 4096 -e trace=open,openat,openat2,execve -o {log} {binary} {args}";
            var result = PluginProcess.Run("script", [], "", ["-qec", inner, "/dev/null"]);
            Assert.That(result.ExitCode, Is.EqualTo(0), $"{applet} {args}: {result.Stdout}{result.Stderr}");
            Assert.That(result.Stdout, Does.Contain("Usage"), "the help text reached the terminal");
            var trace = File.ReadAllText(log);
            var opened = SharedObjectPath().Matches(trace).Select(m => m.Value).ToList();
            Assert.That(opened, Is.Empty, $"{applet} {args}: a static binary must not dlopen anything");
            Assert.That(trace, Does.Not.Contain("/etc/nsswitch.conf").And.Not.Contain("terminfo"),
                $"{applet} {args}: no user lookup (NSS may dlopen) and no terminal probe");
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>
    /// Each config has an object with 40 members: System.Text.Json's duplicate-key check would seed its hash from
    /// RandomNumberGenerator (OpenSSL, dlopen'd) for such objects if it ran; it must not.
    /// </summary>
    private static string Conf(string applet, NetHarness net)
    {
        var wide = ",\"cbtWide\":{" + string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"k{i}\":{i}")) + "}";
        return applet switch
        {
            "loopback" => NetHarness.Conf("loopback", "1.0.0", "", wide),
            "host-local" => NetHarness.Conf("cbt-none", "1.0.0", net.HostLocal("10.199.77.0/24"), wide),
            "static" => NetHarness.Conf("cbt-none", "1.0.0", """{"type":"static","addresses":[{"address":"10.199.78.2/24"}]}""", wide),
            "bridge" => NetHarness.Conf("bridge", "1.0.0", net.HostLocal("10.199.79.0/24"),
                wide + ",\"bridge\":\"cbtso0\",\"isGateway\":true,\"ipMasq\":true"),
            "ptp" => NetHarness.Conf("ptp", "1.0.0", net.HostLocal("10.199.80.0/24"), wide + ",\"ipMasq\":true"),
            "bandwidth" => NetHarness.Conf("bandwidth", "1.0.0", "",
                wide + ",\"ingressRate\":8000000,\"ingressBurst\":80000,\"egressRate\":16000000,\"egressBurst\":160000"),
            // Its delegate, our bridge, runs in the same process: still one exec.
            "flannel" => FlannelConf(net, wide),
            // A node without iptables tables: the nftables backend, netlink only.
            "firewall" => NetHarness.Conf("firewall", "1.0.0", "", wide + ",\"ingressPolicy\":\"same-bridge\""),
            _ => throw new ArgumentException(applet),
        };
    }

    private static string FlannelConf(NetHarness net, string wide)
    {
        var subnetFile = Path.Combine(net.DataDir, "subnet.env");
        File.WriteAllText(subnetFile, "FLANNEL_NETWORK=10.199.64.0/18\nFLANNEL_SUBNET=10.199.64.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n");
        return NetHarness.Conf("flannel", "1.0.0", $"{{\"dataDir\":\"{net.DataDir}\"}}",
            wide + $",\"subnetFile\":\"{subnetFile}\",\"dataDir\":\"{net.DataDir}/flannel\",\"delegate\":{{\"bridge\":\"cbtso0\"}}");
    }

    private static (ProcessResult Result, string Trace) Traced(Dictionary<string, string> env, string stdin,
        string[] wrapper, string[] command)
    {
        var log = Path.Combine(Path.GetTempPath(), $"cnibox-so-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            string[] strace = ["strace", "-f", "-qq", "-s", "4096", "-e", "trace=open,openat,openat2,execve", "-o", log];
            string[] all = [.. wrapper, .. strace, .. command];
            var result = PluginProcess.Run(all[0], env, stdin, all[1..]);
            return (result, File.ReadAllText(log));
        }
        finally
        {
            File.Delete(log);
        }
    }

    private static void AssertNoSharedObject(string trace, string what)
    {
        Assert.That(trace, Does.Contain("execve(\"" + Binaries.AppletDir), $"{what}: the trace saw the applet start");
        var opened = SharedObjectPath().Matches(trace).Select(m => m.Value).ToList();
        Assert.That(opened, Is.Empty, $"{what}: a static binary must not dlopen anything");
    }

    private static int Execs(string trace) => trace.Split('\n').Count(l => l.Contains("execve(") && !l.Contains("= -1 "));

    private static void RequireTools()
    {
        Binaries.RequirePublished();
        TestNetns.RequireRoot();
        Assume.That(File.Exists("/usr/bin/strace"), "needs strace");
    }
}
