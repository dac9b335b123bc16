namespace CniBox.Tests.Support;

/// <summary>Where the published cnibox and Debian's Go plugins live, and an applet directory of symlinks.</summary>
public static class Binaries
{
    public const string GoPluginDir = "/usr/lib/cni";

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The published binary: $CNIBOX_BIN, else &lt;repo&gt;/out/cnibox.</summary>
    public static string Cnibox =>
        Environment.GetEnvironmentVariable("CNIBOX_BIN") is { Length: > 0 } bin ? bin : Path.Combine(RepoRoot, "out", "cnibox");

    private static readonly Lazy<string> AppletDirectory = new(CreateAppletDirectory);

    /// <summary>A temp dir with one symlink per applet, made by <c>cnibox --install</c>.</summary>
    public static string AppletDir => AppletDirectory.Value;

    public static string Applet(string name) => Path.Combine(AppletDir, name);

    public static string GoPlugin(string name) => Path.Combine(GoPluginDir, name);

    public static void RequirePublished() =>
        Assume.That(File.Exists(Cnibox), $"published binary missing at {Cnibox}; run dotnet publish -o out first");

    public static void RequireGoPlugin(string name) =>
        Assume.That(File.Exists(GoPlugin(name)), $"{GoPlugin(name)} missing; apt-get install containernetworking-plugins");

    private static string CreateAppletDirectory()
    {
        RequirePublished();
        var dir = Path.Combine(Path.GetTempPath(), $"cnibox-applets-{Environment.ProcessId}");
        var result = PluginProcess.Run(Cnibox, new Dictionary<string, string>(), args: ["--install", dir, "--force"]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"cnibox --install failed: {result.Stderr}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        return dir;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CniBox.csproj"))) return dir.FullName;
        throw new InvalidOperationException("CniBox.csproj not found above the test assembly");
    }
}
