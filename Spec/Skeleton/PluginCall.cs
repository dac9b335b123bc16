namespace CniBox.Spec.Skeleton;

/// <summary>The CNI verbs a runtime can send.</summary>
public enum CniCommand { Add, Del, Check, Gc, Status, Version }

/// <summary>One invocation of a plugin: the validated environment, the raw config and its parsed header.</summary>
public sealed record PluginCall
{
    public required CniCommand Command { get; init; }
    public required string ContainerId { get; init; }
    public required string Netns { get; init; }
    public required string IfName { get; init; }
    public required string Args { get; init; }
    public required IReadOnlyList<string> Path { get; init; }
    public required byte[] StdinData { get; init; }
    /// <summary>The config's cniVersion; "" in the file is reported as "0.1.0".</summary>
    public required string CniVersion { get; init; }
    public required string NetworkName { get; init; }
    public required AppletContext Context { get; init; }

    public PluginLog Log => Context.PluginLog;
    public Func<string, string?> Getenv => Context.Getenv;
}
