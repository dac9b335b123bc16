namespace CniBox.Applets.Portmap;

/// <summary>
/// Which network each container's rules were added for: <c>/var/lib/cni/portmap/&lt;network&gt;/&lt;containerId&gt;</c>,
/// an empty file per attachment. Rule comments carry only the container ID (upstream's layout), and GC arrives per
/// network, so without this a GC of one network would remove the host ports of containers on every other network.
/// </summary>
public sealed class PortmapRegistry(string root = PortmapRegistry.DefaultRoot)
{
    public const string DefaultRoot = "/var/lib/cni/portmap";

    public void Record(string network, string containerId)
    {
        var dir = Path.Combine(root, Safe(network));
        for (var attempt = 1; ; attempt++)
        {
            Directory.CreateDirectory(dir);
            try
            {
                File.WriteAllBytes(Path.Combine(dir, Safe(containerId)), []);
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // A concurrent DEL removed the directory of the network's last container in between.
            }
        }
    }

    /// <summary>Forgets the container under every network (DEL works by container ID, renamed networks included).</summary>
    public void Forget(string containerId)
    {
        if (!Directory.Exists(root)) return;
        foreach (var dir in Directory.EnumerateDirectories(root).ToList())
        {
            File.Delete(Path.Combine(dir, Safe(containerId)));
            RemoveIfEmpty(dir);
        }
        RemoveIfEmpty(root);
    }

    /// <summary>A network's directory goes with its last container (a concurrent ADD may refill it: then it stays).</summary>
    private static void RemoveIfEmpty(string dir)
    {
        try
        {
            if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The containers recorded under networks other than <paramref name="network"/>: GC of this network keeps them.</summary>
    public IReadOnlySet<string> OtherNetworks(string network)
    {
        var others = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(root)) return others;
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            if (Path.GetFileName(dir) == Safe(network)) continue;
            foreach (var file in Directory.EnumerateFiles(dir)) others.Add(Path.GetFileName(file));
        }
        return others;
    }

    /// <summary>Names as file names: a '/' or a leading '.' cannot escape the directory.</summary>
    private static string Safe(string name)
    {
        var s = name.Replace('/', '_').Replace('\0', '_');
        return s.Length == 0 || s[0] == '.' ? "_" + s : s;
    }
}
