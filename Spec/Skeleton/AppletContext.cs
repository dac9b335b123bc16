using Serilog;

namespace CniBox.Spec.Skeleton;

/// <summary>
/// The process as an applet sees it. Tests build one in memory; <see cref="FromProcess"/> wires the real one.
/// </summary>
public sealed class AppletContext
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Args { get; init; }
    public required Func<string, string?> Getenv { get; init; }
    public required Stream Stdin { get; init; }
    public required Stream Stdout { get; init; }
    public required TextWriter Stderr { get; init; }
    public required ILogger Log { get; init; }
    /// <summary>Whether a netns path is the caller's own netns (the skel's code-8 guard); supplied by Netlink.</summary>
    public required Func<string, bool> IsOwnNetns { get; init; }
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    private PluginLog? _pluginLog;

    /// <summary><see cref="Log"/> as applets write to it: each level checked before a Serilog method is reached.</summary>
    public PluginLog PluginLog => _pluginLog ??= new PluginLog(Log);

    public static AppletContext FromProcess(string name, IReadOnlyList<string> args, ILogger log,
        Func<string, bool> isOwnNetns) => new()
    {
        IsOwnNetns = isOwnNetns,
        Name = name,
        Args = args,
        Getenv = Environment.GetEnvironmentVariable,
        Stdin = StandardStreams.Open(0, FileAccess.Read),
        Stdout = StandardStreams.Open(1, FileAccess.Write),
        Stderr = StandardStreams.Stderr,
        Log = log,
    };
}
