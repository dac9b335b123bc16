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
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public static AppletContext FromProcess(string name, IReadOnlyList<string> args, ILogger log) => new()
    {
        Name = name,
        Args = args,
        Getenv = Environment.GetEnvironmentVariable,
        Stdin = Console.OpenStandardInput(),
        Stdout = Console.OpenStandardOutput(),
        Stderr = Console.Error,
        Log = log,
    };
}
