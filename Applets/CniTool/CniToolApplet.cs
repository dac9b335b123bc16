using System.CommandLine;
using System.Text;
using CniBox.Spec;
using CniBox.Spec.Runtime;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.CniTool;

/// <summary>
/// <c>cnitool add|check|del|gc|status &lt;net&gt; &lt;netns&gt; [-i IF]</c> and <c>cnitool list</c>: upstream cnitool's command
/// line, environment (NETCONFPATH, CNI_PATH, CNI_ARGS, CAP_ARGS, CNI_IFNAME) and output, over <see cref="NetworkRunner"/>.
/// <c>CNI_CACHE_DIR</c> moves the result cache away from /var/lib/cni. Errors go to stderr with the file they concern.
/// </summary>
public sealed class CniToolApplet : IApplet
{
    public int Run(AppletContext ctx)
    {
        using var stdout = new StreamWriter(ctx.Stdout, new UTF8Encoding(false), leaveOpen: true) { AutoFlush = true };
        var tool = new CniTool(ctx, stdout);
        return tool.BuildCommand().Parse(ctx.Args.ToArray())
            .Invoke(new InvocationConfiguration { Output = stdout, Error = ctx.Stderr });
    }
}

internal sealed class CniTool(AppletContext ctx, TextWriter stdout)
{
    private const string Environment = """
        Environment:
          NETCONFPATH    directory of network configs (default /etc/cni/net.d)
          CNI_PATH       plugin directories, ':'-separated
          CNI_ARGS       extra K=V;K2=V2 passed to every plugin
          CAP_ARGS       capability args as a JSON object, e.g. {"portMappings":[...]}
          CNI_IFNAME     interface name (default eth0; -i wins)
          CNI_CACHE_DIR  result cache directory (default /var/lib/cni)
        """;

    /// <summary>A plain command named cnitool as the root (RootCommand would take the binary's name, cnibox).</summary>
    public Command BuildCommand()
    {
        var root = new Command("cnitool", "CNI Tool executes a network configuration: it adds, checks, removes, garbage-collects or " +
                                   "gets the status of an interface in an already-created network namespace.\n\n" + Environment);
        root.Subcommands.Add(Verb("add", "Add a network interface to a network namespace and print the result", Add));
        root.Subcommands.Add(Verb("check", "Check a network interface added by add, using the cached result", Check));
        root.Subcommands.Add(Verb("del", "Remove a network interface from a network namespace", Del));
        root.Subcommands.Add(Verb("gc", "Delete every cached attachment of the network, then GC each plugin (1.1.0)", Gc));
        root.Subcommands.Add(Verb("status", "Ask each plugin of the network whether it can serve ADD (1.1.0)", Status));
        var list = new Command("list", "List the networks in NETCONFPATH: name, version, plugins and file");
        list.SetAction(_ => List());
        root.Subcommands.Add(list);
        // A fixed width: the default asks Console.WindowWidth, which reads terminfo (and may look up the user).
        var help = new System.CommandLine.Help.HelpAction { MaxWidth = 100 };
        root.Options.Add(new System.CommandLine.Help.HelpOption { Action = help });
        root.SetAction(parse =>
        {
            help.Invoke(parse);
            return 0;
        });
        return root;
    }

    private Command Verb(string name, string description, Func<NetworkRunner, NetworkConfigList, RuntimeConf, int> action)
    {
        var net = new Argument<string>("net") { Description = "Network name (the \"name\" of a config in NETCONFPATH)" };
        var netns = new Argument<string>("netns") { Description = "Network namespace path, e.g. /var/run/netns/x" };
        var ifname = new Option<string>("--ifname", "-i") { Description = "Interface name (default: $CNI_IFNAME or eth0)" };
        var command = new Command(name, description + " (environment: see cnitool --help)") { net, netns, ifname };
        command.SetAction(parse => Execute(parse.GetValue(net)!, parse.GetValue(netns)!, parse.GetValue(ifname), action));
        return command;
    }

    private int Execute(string netName, string netns, string? ifName,
        Func<NetworkRunner, NetworkConfigList, RuntimeConf, int> action)
    {
        NetworkConfigList? list = null;
        try
        {
            list = ConfLoader.Load(ConfDir, netName);
            var capabilityArgs = RuntimeConf.ParseCapabilityArgs(ctx.Getenv("CAP_ARGS"));
            var cniArgs = CniArgs.ParseStrict(ctx.Getenv("CNI_ARGS"));
            if (string.IsNullOrEmpty(ifName)) ifName = ctx.Getenv("CNI_IFNAME");
            if (string.IsNullOrEmpty(ifName)) ifName = "eth0";
            var absolute = ContainerIdentity.Absolute(netns, Directory.GetCurrentDirectory());
            var rt = new RuntimeConf(ContainerIdentity.ContainerId(absolute), absolute, ifName)
            {
                Args = cniArgs,
                CapabilityArgs = capabilityArgs,
            };
            return action(Runner(), list, rt);
        }
        catch (Exception e) when (e is CniRuntimeException or CniException or IOException or UnauthorizedAccessException)
        {
            ctx.Stderr.WriteLine(CniRuntimeException.Describe(e));
            if (list?.File is { } file) ctx.Stderr.WriteLine($"(network {Spec.Json.GoText.Quote(list.Name)} from {file})");
            return 1;
        }
    }

    private int Add(NetworkRunner runner, NetworkConfigList list, RuntimeConf rt)
    {
        var result = runner.AddNetworkList(list, rt);
        // result.Print(): its own version, 4-space indent, no trailing newline.
        stdout.Write(result.ToJson(result.CniVersion, indented: true));
        return 0;
    }

    private static int Check(NetworkRunner runner, NetworkConfigList list, RuntimeConf rt)
    {
        runner.CheckNetworkList(list, rt);
        return 0;
    }

    private static int Del(NetworkRunner runner, NetworkConfigList list, RuntimeConf rt)
    {
        runner.DelNetworkList(list, rt);
        return 0;
    }

    /// <summary>As upstream: no runtime GC args, so every cached attachment of the network is stale.</summary>
    private static int Gc(NetworkRunner runner, NetworkConfigList list, RuntimeConf rt)
    {
        runner.GcNetworkList(list, validAttachments: null);
        return 0;
    }

    private static int Status(NetworkRunner runner, NetworkConfigList list, RuntimeConf rt)
    {
        runner.StatusNetworkList(list);
        return 0;
    }

    private int List()
    {
        var networks = ConfLoader.ListNetworks(ConfDir);
        if (networks.Count == 0)
        {
            ctx.Stderr.WriteLine($"no net configurations found in {ConfDir}");
            return 1;
        }
        var rows = new List<string[]>(networks.Count);
        int w1 = 4, w2 = 7, w3 = 7;
        foreach (var n in networks)
        {
            var name = n.Name ?? "-";
            var version = n.CniVersion is null ? "-" : n.CniVersion == "" ? "(0.1.0)" : n.CniVersion;
            var plugins = n.Error is null ? string.Join(",", n.PluginTypes) : "-";
            var note = n.Error is { } err ? "  error: " + err : n.Shadowed ? "  (shadowed by an earlier file)" : "";
            rows.Add([name, version, plugins, n.File + note]);
            w1 = Math.Max(w1, name.Length);
            w2 = Math.Max(w2, version.Length);
            w3 = Math.Max(w3, plugins.Length);
        }
        stdout.WriteLine($"{"NAME".PadRight(w1)}  {"VERSION".PadRight(w2)}  {"PLUGINS".PadRight(w3)}  FILE");
        foreach (var r in rows)
            stdout.WriteLine($"{r[0].PadRight(w1)}  {r[1].PadRight(w2)}  {r[2].PadRight(w3)}  {r[3]}");
        return 0;
    }

    private string ConfDir => ctx.Getenv("NETCONFPATH") is { Length: > 0 } dir ? dir : ConfLoader.DefaultDir;

    private NetworkRunner Runner()
    {
        var path = ctx.Getenv("CNI_PATH") is { Length: > 0 } p ? p.Split(':') : [];
        var cacheDir = ctx.Getenv("CNI_CACHE_DIR") is { Length: > 0 } c ? c : ResultCache.DefaultDir;
        return new NetworkRunner(path, new ResultCache(cacheDir), ctx.Stderr);
    }
}
