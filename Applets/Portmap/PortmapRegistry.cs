using CniBox.Applets.Common;

namespace CniBox.Applets.Portmap;

/// <summary>
/// Which network each container's rules were added for: <c>/var/lib/cni/portmap/&lt;network&gt;/&lt;containerId&gt;</c>,
/// an empty file per attachment. Rule comments carry only the container ID (upstream's layout), and GC arrives per
/// network, so without this a GC of one network would remove the host ports of containers on every other network.
/// The file lists the container's nftables rules as "family chain handle" lines (kernel handles echoed at ADD), so
/// DEL finds them without listing chains that grow with the node's containers.
/// </summary>
public sealed class PortmapRegistry(string root = PortmapRegistry.DefaultRoot)
{
    public const string DefaultRoot = "/var/lib/cni/portmap";

    /// <summary>The node's host-port index beside the networks (a name no network's directory can have).</summary>
    public HostPortIndex Index { get; } = new(root);

    public void Record(string network, string containerId, IEnumerable<string>? rules = null)
    {
        var dir = Path.Combine(root, Safe(network));
        var file = Path.Combine(dir, Safe(containerId));
        var text = System.Text.Encoding.UTF8.GetBytes(string.Concat((rules ?? []).Select(line => line + "\n")));
        NetworkStateDir.Write(dir, () =>
        {
            // A repeated ADD adds rules: the record keeps the earlier ones too.
            if (text.Length > 0 && File.Exists(file)) NetworkStateDir.AppendFile(file, text);
            else NetworkStateDir.WriteFile(file, text);
        });
    }

    /// <summary>The rule lines recorded for the container under any network; empty when none (older record, iptables, none).</summary>
    public IReadOnlyList<string> Rules(string containerId)
    {
        if (!Directory.Exists(root)) return [];
        var lines = new List<string>();
        foreach (var dir in NetworkDirs())
        {
            var file = Path.Combine(dir, Safe(containerId));
            if (!File.Exists(file)) continue; // not on this network (checked: a thrown exception costs more)
            try
            {
                lines.AddRange(File.ReadAllLines(file).Where(l => l.Length > 0));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // Not on this network.
            }
        }
        return lines;
    }

    /// <summary>Forgets the container under every network (DEL works by container ID, renamed networks included).</summary>
    public void Forget(string containerId)
    {
        if (!Directory.Exists(root)) return;
        var dirs = NetworkDirs().ToList();
        foreach (var dir in dirs)
        {
            try
            {
                File.Delete(Path.Combine(dir, Safe(containerId)));
            }
            catch (DirectoryNotFoundException)
            {
                // Another network's last container went meanwhile, and its directory with it.
                continue;
            }
            NetworkStateDir.RemoveIfEmpty(dir);
        }
        // No container recorded any more: the index goes too (the next ADD lists the then small chains once).
        if (!NetworkDirs().Any()) Index.Clear();
        NetworkStateDir.RemoveIfEmpty(root);
    }

    /// <summary>GC of <paramref name="network"/>: forgets its containers that are not in <paramref name="valid"/>.</summary>
    public void ForgetAllBut(string network, IReadOnlySet<string> valid)
    {
        var dir = Path.Combine(root, Safe(network));
        var keep = valid.Select(Safe).ToHashSet(StringComparer.Ordinal);
        string[] files;
        try
        {
            files = Directory.GetFiles(dir);
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }
        foreach (var file in files)
            if (!keep.Contains(Path.GetFileName(file))) File.Delete(file);
        NetworkStateDir.RemoveIfEmpty(dir);
        if (!NetworkDirs().Any()) Index.Clear();
        NetworkStateDir.RemoveIfEmpty(root);
    }

    /// <summary>The containers recorded under networks other than <paramref name="network"/>: GC of this network keeps them.</summary>
    public IReadOnlySet<string> OtherNetworks(string network)
    {
        var others = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(root)) return others;
        foreach (var dir in NetworkDirs())
        {
            if (Path.GetFileName(dir) == Safe(network)) continue;
            try
            {
                foreach (var file in Directory.GetFiles(dir)) others.Add(Path.GetFileName(file));
            }
            catch (DirectoryNotFoundException)
            {
                // That network's last DEL removed its directory meanwhile: none of its containers to keep.
            }
        }
        return others;
    }

    /// <summary>The networks' directories: safe names never start with '.', the index's does.</summary>
    private IEnumerable<string> NetworkDirs() => !Directory.Exists(root) ? []
        : Directory.EnumerateDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.'));

    private static string Safe(string name) => NetworkStateDir.SafeName(name);
}
