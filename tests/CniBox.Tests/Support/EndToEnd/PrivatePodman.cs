using System.Text.Json.Nodes;

namespace CniBox.Tests.Support.EndToEnd;

/// <summary>
/// Debian's podman 4.3.1 with its CNI backend, private to one test fixture: its own containers.conf (runc, cgroupfs,
/// file events logger, the ulimits these machines need, <c>network_backend = "cni"</c>, one plugin dir, a temp
/// <c>network_config_dir</c>, a temp <c>tmp_dir</c> so nothing lands in /run/libpod) and storage.conf (vfs,
/// graphroot and runroot under the node's dir), every command run inside a <see cref="RuntimeNode"/> (tag
/// <c>pod</c>). Containers run from a private copy of <see cref="BusyboxRootfs"/> (podman writes mount points for
/// /etc/hosts and /run/.containerenv into a --rootfs) under a cgroup parent of their own (cgroupfs would leave
/// <c>/libpod_parent</c> in every hierarchy). Dispose removes every container and network it made, exactly those
/// networks' files under /var/lib/cni, the containers' tuning backups under /run/cni, and the cgroup parent.
/// </summary>
public sealed class PrivatePodman : IDisposable
{
    /// <summary>Never created: podman's in-memory default network needs a subnet that no test network uses.</summary>
    private const string DefaultSubnet = "10.199.85.0/24";

    private readonly List<string> _networks = [];
    private readonly HashSet<string> _containerIds = [];

    /// <param name="pluginDir">The one <c>cni_plugin_dirs</c> entry: <see cref="Binaries.AppletDir"/> (cnibox's
    /// symlinks, the default) or <see cref="Binaries.GoPluginDir"/> for Debian's Go plugins.</param>
    public PrivatePodman(string? pluginDir = null)
    {
        RequireTools();
        PluginDir = pluginDir ?? Binaries.AppletDir;
        Node = new RuntimeNode("pod");
        CgroupParent = "/" + Path.GetFileName(Node.Dir);
        try
        {
            NetworkConfigDir = Directory.CreateDirectory(Path.Combine(Node.Dir, "networks")).FullName;
            Rootfs = Path.Combine(Node.Dir, "rootfs");
            CopyRootfs(BusyboxRootfs.Dir, Rootfs);
            WriteConfigs();
            Version = Must("version", "--format", "{{.Client.Version}}").Trim();
            Runtime = Must("info", "--format", "{{.Host.OCIRuntime.Version}}").Split('\n')[0].Trim();
            TestContext.Progress.WriteLine($"podman {Version} (CNI backend, plugins from {PluginDir}), runtime {Runtime}");
        }
        catch
        {
            Node.Dispose();
            throw;
        }
    }

    public RuntimeNode Node { get; }
    public string PluginDir { get; }
    public string NetworkConfigDir { get; }
    public string Rootfs { get; }
    public string Version { get; }
    public string Runtime { get; }
    public string CgroupParent { get; }

    public Dictionary<string, string> Env => new()
    {
        ["CONTAINERS_CONF"] = Path.Combine(Node.Dir, "containers.conf"),
        ["CONTAINERS_STORAGE_CONF"] = Path.Combine(Node.Dir, "storage.conf"),
    };

    public static void RequireTools()
    {
        TestNetns.RequireRoot();
        Assume.That(File.Exists("/usr/bin/podman") && File.Exists("/usr/sbin/runc"),
            "podman or runc missing (tests/deps.sh installs them)");
        BusyboxRootfs.Require();
    }

    public ProcessResult Run(params string[] args) => Node.Run("podman", args, Env);

    /// <summary>A podman command that must succeed; else the test fails with podman's error and the node's report.</summary>
    public string Must(params string[] args) => Node.Must("podman", args, Env);

    /// <summary>
    /// <c>podman network create OPTIONS NAME</c>, then the bridge of the written conflist renamed to
    /// <paramref name="bridge"/> (4.3.1 has no --interface-name); podman reads the file back on every command.
    /// </summary>
    public PodmanNetwork CreateNetwork(string name, string bridge, params string[] options)
    {
        Assert.That(name, Does.StartWith("cbtpod"), "network names must start with cbt: /var/lib/cni is the host's");
        Assert.That(bridge, Does.Match("^cbtpod[0-9]$"));
        _networks.Add(name);
        Must(["network", "create", .. options, name]);
        var network = new PodmanNetwork(name, bridge, Path.Combine(NetworkConfigDir, name + ".conflist"));
        var written = network.ReadConflist();
        network.WrittenBridge = (string)written["plugins"]![0]!["bridge"]!;
        written["plugins"]![0]!["bridge"] = bridge;
        File.WriteAllText(network.ConflistPath, written.ToJsonString(new() { WriteIndented = true }));
        return network;
    }

    /// <summary><c>podman network rm</c> of a network this fixture made.</summary>
    public void RemoveNetwork(PodmanNetwork network) => Must("network", "rm", network.Name);

    /// <summary>The arguments of <c>podman run OPTIONS COMMAND</c> from this fixture's rootfs and cgroup parent.</summary>
    public string[] RunArgs(string[] options, params string[] command) =>
        ["run", "--cgroup-parent", CgroupParent, .. options, "--rootfs", Rootfs, .. command];

    /// <summary><c>podman run -d --name NAME --network NET OPTIONS COMMAND</c>; the container's ID.</summary>
    public string RunDetached(string name, PodmanNetwork network, string[] options, params string[] command)
    {
        var id = Must(RunArgs(["-d", "--name", name, "--network", network.Name, .. options], command)).Trim();
        _containerIds.Add(id);
        return id;
    }

    /// <summary>A container that runs COMMAND and is removed when it exits; its exit code and output.</summary>
    public ProcessResult RunOnce(PodmanNetwork network, params string[] command) =>
        Run(RunArgs(["--rm", "--network", network.Name], command));

    /// <summary>An HTTP server container (busybox httpd serving <see cref="BusyboxRootfs.IndexHtml"/> on port 80).</summary>
    public string RunWebServer(string name, PodmanNetwork network, params string[] options) =>
        RunDetached(name, network, options, "httpd", "-f", "-p", "80", "-h", "/www");

    public string Exec(string container, params string[] command) => Must(["exec", container, .. command]);

    /// <summary><c>podman rm -f -t 0</c>: httpd as PID 1 ignores SIGTERM, so a grace period would cost 10 s.</summary>
    public void Remove(string container) => Must("rm", "-f", "-t", "0", container);

    /// <summary>The container's attachment to <paramref name="network"/> as <c>podman inspect</c> reports it.</summary>
    public PodmanAttachment Inspect(string container, PodmanNetwork network)
    {
        var networks = JsonNode.Parse(Must("inspect", container, "--format", "{{json .NetworkSettings.Networks}}"))!;
        var attachment = networks[network.Name] ?? throw new AssertionException(
            $"{container} is not attached to {network.Name}: {networks.ToJsonString()}");
        return new PodmanAttachment((string)attachment["IPAddress"]!, (string)attachment["GlobalIPv6Address"]!,
            (string)attachment["MacAddress"]!, (string)attachment["Gateway"]!);
    }

    public void Dispose()
    {
        try
        {
            foreach (var id in Run("ps", "-a", "-q", "--no-trunc").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                _containerIds.Add(id.Trim());
            Run("rm", "-a", "-f", "-t", "0");
            foreach (var network in _networks) Run("network", "rm", "-f", network);
            PodmanCniFiles.Remove(_networks, _containerIds);
            RemoveCgroupParent();
        }
        finally
        {
            Node.Dispose();
        }
    }

    private void WriteConfigs()
    {
        var tmp = Directory.CreateDirectory(Path.Combine(Node.Dir, "libpod-tmp")).FullName;
        File.WriteAllText(Env["CONTAINERS_CONF"], $"""
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

            [engine]
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            runtime = "runc"
            tmp_dir = "{tmp}"

            [network]
            network_backend = "cni"
            cni_plugin_dirs = ["{PluginDir}"]
            network_config_dir = "{NetworkConfigDir}"
            default_subnet = "{DefaultSubnet}"
            """);
        File.WriteAllText(Env["CONTAINERS_STORAGE_CONF"], $"""
            [storage]
            driver = "vfs"
            graphroot = "{Path.Combine(Node.Dir, "graphroot")}"
            runroot = "{Path.Combine(Node.Dir, "runroot")}"
            """);
    }

    /// <summary>rmdir, deepest first, of the parent in every hierarchy: a cgroup still in use refuses and stays.</summary>
    private void RemoveCgroupParent()
    {
        foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup").Append("/sys/fs/cgroup"))
        {
            var parent = hierarchy + CgroupParent;
            if (!Directory.Exists(parent)) continue;
            foreach (var dir in Directory.GetDirectories(parent, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(parent))
                try { Directory.Delete(dir, false); } catch (IOException) { }
        }
    }

    private static void CopyRootfs(string from, string to)
    {
        var result = PluginProcess.Run("/bin/cp", new Dictionary<string, string>(), args: ["-a", from, to]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"cp -a {from} {to}: {result.Stderr}");
    }
}

/// <summary>A network a <see cref="PrivatePodman"/> created: its name, the bridge it was renamed to, its conflist.</summary>
public sealed class PodmanNetwork(string name, string bridge, string conflistPath)
{
    public string Name { get; } = name;
    public string Bridge { get; } = bridge;
    public string ConflistPath { get; } = conflistPath;

    /// <summary>The bridge name podman wrote before the rename (<c>cni-podmanN</c>).</summary>
    public string WrittenBridge { get; internal set; } = "";

    public JsonNode ReadConflist() => JsonNode.Parse(File.ReadAllText(ConflistPath))!;
}

/// <summary>What <c>podman inspect</c> says about one attachment (empty strings where podman has none).</summary>
public sealed record PodmanAttachment(string Ipv4, string Ipv6, string Mac, string Gateway);
