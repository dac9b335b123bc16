namespace CniBox.Tests.Processes.HostileInput;

/// <summary>
/// One bad input for one applet's ADD: the config bytes (<c>NETNS</c> stands for the container netns path), the CNI_*
/// variables that differ from a good call, and the CNI error code expected: Go's, or where ours differs, the better
/// one named in <see cref="Why"/>.
/// </summary>
public sealed record HostileCase(string Applet, string Description, byte[] Stdin, IReadOnlyDictionary<string, string> Env, int Code)
{
    public string? Why { get; init; }

    public override string ToString() => $"{Applet}: {Description}";
}
