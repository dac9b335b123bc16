namespace CniBox.Spec.Invoke;

/// <summary>libcni's FindInPath: the first regular file named <c>name</c> in the CNI_PATH directories.</summary>
public static class PluginFinder
{
    public static string Find(string name, IReadOnlyList<string> paths)
    {
        if (name.Length == 0 || name.Contains('/'))
            throw new CniException(ErrorCode.InvalidNetworkConfig, $"invalid plugin name \"{name}\"");
        if (paths.Count == 0)
            throw new CniException(ErrorCode.Internal, "no paths provided");
        foreach (var dir in paths)
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new CniException(ErrorCode.Internal,
            $"failed to find plugin \"{name}\" in path [{string.Join(" ", paths)}]");
    }

    /// <summary>True when <paramref name="path"/> resolves to the running executable (a cnibox symlink).</summary>
    public static bool IsSelf(string path)
    {
        try
        {
            var self = Environment.ProcessPath;
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
            return self is not null && target == self;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
