namespace CniBox.Spec.Skeleton;

/// <summary>The skel's version checks: the config version must be one we speak, and new verbs need new versions.</summary>
public static class VersionGate
{
    private static string? MinimumFor(CniCommand command) => command switch
    {
        CniCommand.Check => "0.4.0",
        CniCommand.Gc or CniCommand.Status => "1.1.0",
        _ => null,
    };

    public static void Check(CniCommand command, ConfigHeader header) => Check(command, header, CniVersion.Supported);

    /// <summary>As the skel checks a plugin that speaks only <paramref name="supported"/> (bandwidth: from 0.3.0).</summary>
    public static void Check(CniCommand command, ConfigHeader header, IReadOnlyList<string> supported)
    {
        if (header.VersionError is { } error)
            throw new CniException(ErrorCode.DecodingFailure, error);
        var version = header.CniVersion;
        if (MinimumFor(command) is { } minimum)
        {
            var verb = PluginEnvironment.Name(command);
            if (!CniVersion.AtLeast(version, minimum))
                throw new CniException(ErrorCode.IncompatibleVersion, $"config version does not allow {verb}");
            if (!supported.Any(s => CniVersion.AtLeast(s, version)))
                throw new CniException(ErrorCode.IncompatibleVersion, $"plugin version does not allow {verb}");
        }
        if (!CniVersion.IsSupported(version, supported))
            throw new CniException(ErrorCode.IncompatibleVersion, "incompatible CNI versions",
                $"config is \"{version}\", plugin supports [{string.Join(" ", supported.Select(s => $"\"{s}\""))}]");
    }
}
