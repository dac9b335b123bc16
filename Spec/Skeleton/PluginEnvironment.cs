namespace CniBox.Spec.Skeleton;

/// <summary>
/// The skel's env table: which CNI_* variable each verb needs and how a present one is checked.
/// Order matters: variables are walked in table order, a bad value fails at once, missing ones are reported together.
/// </summary>
public static class PluginEnvironment
{
    private sealed record Variable(string Name, CniCommand[] RequiredFor, Func<string, CniException?>? Validate = null);

    private static readonly CniCommand[] AddDelCheck = [CniCommand.Add, CniCommand.Del, CniCommand.Check];

    private static readonly Variable[] Table =
    [
        new("CNI_CONTAINERID", AddDelCheck, ValidateContainerId),
        new("CNI_NETNS", [CniCommand.Add, CniCommand.Check]),
        new("CNI_IFNAME", AddDelCheck, ValidateInterfaceName),
        new("CNI_ARGS", []),
        new("CNI_PATH", [.. AddDelCheck, CniCommand.Gc, CniCommand.Status]),
    ];

    /// <summary>The wire name of a verb. Written out: Enum.ToString needs reflection metadata the AOT build lacks.</summary>
    public static string Name(CniCommand command) => command switch
    {
        CniCommand.Add => "ADD",
        CniCommand.Del => "DEL",
        CniCommand.Check => "CHECK",
        CniCommand.Gc => "GC",
        CniCommand.Status => "STATUS",
        _ => "VERSION",
    };

    public static CniCommand? ParseCommand(string? text) => text switch
    {
        "ADD" => CniCommand.Add,
        "DEL" => CniCommand.Del,
        "CHECK" => CniCommand.Check,
        "GC" => CniCommand.Gc,
        "STATUS" => CniCommand.Status,
        "VERSION" => CniCommand.Version,
        _ => null,
    };

    /// <summary>Throws the first invalid value, else all missing required variables in one error (code 4).</summary>
    public static void Validate(CniCommand? command, Func<string, string?> getenv)
    {
        var missing = new List<string>();
        foreach (var variable in Table)
        {
            if (command is not { } cmd || !variable.RequiredFor.Contains(cmd)) continue;
            var value = getenv(variable.Name);
            if (string.IsNullOrEmpty(value)) missing.Add(variable.Name);
            else if (variable.Validate?.Invoke(value) is { } error) throw error;
        }
        if (missing.Count > 0)
            throw new CniException(ErrorCode.InvalidEnvironment, $"required env variables [{string.Join(",", missing)}] missing");
    }

    public static CniException? ValidateContainerId(string id) =>
        Identifier.IsValid(id) ? null
            : new CniException(ErrorCode.InvalidEnvironment, "invalid characters in containerID", id);

    public static CniException? ValidateInterfaceName(string name)
    {
        if (name.Length == 0)
            return new CniException(ErrorCode.InvalidEnvironment, "interface name is empty");
        if (System.Text.Encoding.UTF8.GetByteCount(name) > 15)
            return new CniException(ErrorCode.InvalidEnvironment, "interface name is too long",
                "interface name should be less than 16 characters");
        if (name is "." or "..")
            return new CniException(ErrorCode.InvalidEnvironment, "interface name is . or ..");
        foreach (var c in name)
            if (c is '/' or ':' || char.IsWhiteSpace(c))
                return new CniException(ErrorCode.InvalidEnvironment,
                    "interface name contains / or : or whitespace characters");
        return null;
    }
}
