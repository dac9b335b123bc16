using System.Text.Json;

namespace CniBox.Tests.Support;

/// <summary>
/// One implementation's world in a differential test: its own host-like netns, container netns and host-local
/// dataDir, so the Go plugin and ours can use the same bridge name and subnets side by side.
/// </summary>
public sealed class PluginSide : IDisposable
{
    public PluginSide(string label, string plugin, bool isGo)
    {
        Label = label;
        Plugin = plugin;
        IsGo = isGo;
        Net = new NetHarness(label);
        Container = Net.Container(label + "c");
    }

    public string Label { get; }
    public string Plugin { get; }

    /// <summary>Go's plugin gets only /usr/lib/cni as CNI_PATH, so its IPAM is Go's host-local too.</summary>
    public bool IsGo { get; }

    public NetHarness Net { get; }
    public TestNetns Container { get; }

    public ProcessResult Run(string verb, string conf, string cniArgs = "") =>
        Net.Run(Plugin, verb, conf, Container.Path, cniArgs: cniArgs, goPath: IsGo);

    /// <summary>
    /// A result (or error) as comparable text: the sandbox path, random veth names and MACs other than
    /// <paramref name="stableMacs"/> masked, keys sorted (<see cref="CniJson.Canonical"/>).
    /// </summary>
    public string Masked(ProcessResult result, IReadOnlyCollection<string> stableMacs)
    {
        if (result.ExitCode != 0 || result.Stdout.Trim() == "") return $"exit {result.ExitCode} {result.Stdout.Trim()}".TrimEnd();
        var text = NetnsSnapshot.MaskNames(result.Stdout.Replace(Container.Path, "NETNS"));
        return CniJson.Canonical(NetnsSnapshot.MaskMacs(text, stableMacs));
    }

    public void Dispose() => Net.Dispose();
}

/// <summary>Debian's Go plugin (/usr/lib/cni, 1.1.1) and our applet of the same name, each in its own namespaces.</summary>
public sealed class GoAndOurs : IDisposable
{
    public GoAndOurs(string plugin)
    {
        Binaries.RequireGoPlugin(plugin);
        Binaries.RequirePublished();
        Go = new PluginSide("dgo", Binaries.GoPlugin(plugin), isGo: true);
        try
        {
            Ours = new PluginSide("dour", Binaries.Applet(plugin), isGo: false);
        }
        catch
        {
            Go.Dispose();
            throw;
        }
    }

    public PluginSide Go { get; }
    public PluginSide Ours { get; }
    public IReadOnlyList<PluginSide> Both => [Go, Ours];

    /// <summary>One side's CHECK before and after its namespaces were broken on purpose.</summary>
    public sealed record CheckRun(JsonElement Added, ProcessResult Healthy, ProcessResult Broken);

    /// <summary>
    /// On each side (Go first): ADD, CHECK with the result as prevResult, <paramref name="breakIt"/>, the same
    /// CHECK again.
    /// </summary>
    public IReadOnlyList<CheckRun> CheckBeforeAndAfter(Func<PluginSide, string> conf, Action<PluginSide, JsonElement> breakIt) =>
        Both.Select(side =>
        {
            var config = conf(side);
            var added = CniAssert.Success(side.Run("ADD", config));
            var check = CniJson.WithPrevResult(config, added.GetRawText());
            var healthy = side.Run("CHECK", check);
            breakIt(side, added);
            return new CheckRun(added, healthy, side.Run("CHECK", check));
        }).ToList();

    public void Dispose()
    {
        Go.Dispose();
        Ours.Dispose();
    }
}
