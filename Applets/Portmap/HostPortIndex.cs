using CniBox.Applets.Common;
using CniBox.Netlink.Netfilter;

namespace CniBox.Applets.Portmap;

/// <summary>One DNAT rule of a container as the index keeps it: the host port it publishes and where the rule is.</summary>
public sealed record HostPortEntry(NftFamily Family, byte Protocol, ushort Port, string ContainerId, string Chain, ulong Handle);

/// <summary>
/// Which containers' nftables DNAT rules publish a host port, node-wide (the kernel table is the node's, not a
/// network's): <c>&lt;root&gt;/.hostports/&lt;family&gt;-&lt;protocol&gt;-&lt;port&gt;/&lt;containerId&gt;</c>, one
/// "chain handle" line per rule, so ADD's duplicate-port warning reads the rules of its own ports instead of two chains
/// that grow with the containers. An entry is only a hint: the reader fetches the rule by its handle and judges the
/// live rule, so an entry left by a killed call or a flushed table can neither warn wrongly nor block anything.
/// <c>indexed-&lt;family&gt;</c> says the family's rules were indexed (written after one listing of the chains);
/// without it, as after a previous version of ours, the reader lists the chains once and fills the index.
/// </summary>
public sealed class HostPortIndex(string root = PortmapRegistry.DefaultRoot)
{
    public const string DirectoryName = ".hostports";

    private readonly string _dir = Path.Combine(root, DirectoryName);

    public bool IsComplete(NftFamily family) => File.Exists(Marker(family));

    public void MarkComplete(NftFamily family) => NetworkStateDir.Write(_dir, () => NetworkStateDir.WriteFile(Marker(family), []));

    /// <summary>The entries of one host port, every container's; empty when none.</summary>
    public IReadOnlyList<HostPortEntry> Find(NftFamily family, byte protocol, ushort port)
    {
        // Checked first: the common answer is "no such port", and a thrown exception costs more than the stat.
        var dir = KeyDir(family, protocol, port);
        if (!Directory.Exists(dir)) return [];
        string[] files;
        try
        {
            files = Directory.GetFiles(dir);
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
        var entries = new List<HostPortEntry>();
        foreach (var file in files)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(file);
            }
            catch (FileNotFoundException)
            {
                continue; // its container's DEL took it meanwhile
            }
            foreach (var line in lines)
            {
                var parts = line.Split(' ');
                if (parts.Length == 2 && ulong.TryParse(parts[1], out var handle))
                    entries.Add(new HostPortEntry(family, protocol, port, Path.GetFileName(file), parts[0], handle));
            }
        }
        return entries;
    }

    /// <summary>Adds the rules (a repeated ADD appends to the container's file). Plain loops and string keys: each
    /// generic instantiation over a new struct is code a plugin call pages in.</summary>
    public void Add(IReadOnlyList<HostPortEntry> entries)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            var file = Path.Combine(KeyDir(e.Family, e.Protocol, e.Port), Safe(e.ContainerId));
            texts[file] = (texts.TryGetValue(file, out var text) ? text : "") + e.Chain + " " + e.Handle + "\n";
        }
        foreach (var (file, text) in texts)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            NetworkStateDir.Write(Path.GetDirectoryName(file)!, () => NetworkStateDir.AppendFile(file, bytes));
        }
    }

    /// <summary>Forgets the containers' files of the entries' host ports; missing ones are fine.</summary>
    public void Remove(IReadOnlyList<HostPortEntry> entries)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            var dir = KeyDir(e.Family, e.Protocol, e.Port);
            var file = Path.Combine(dir, Safe(e.ContainerId));
            if (!done.Add(file) || !File.Exists(file)) continue;
            try
            {
                File.Delete(file);
            }
            catch (DirectoryNotFoundException)
            {
                continue;
            }
            NetworkStateDir.RemoveIfEmpty(dir);
        }
    }

    /// <summary>GC: forgets every container not in <paramref name="valid"/>.</summary>
    public void RemoveAllBut(IReadOnlySet<string> valid)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in valid) keep.Add(Safe(id));
        if (!Directory.Exists(_dir)) return;
        foreach (var dir in Directory.GetDirectories(_dir))
        {
            try
            {
                foreach (var file in Directory.GetFiles(dir))
                    if (!keep.Contains(Path.GetFileName(file))) File.Delete(file);
            }
            catch (DirectoryNotFoundException)
            {
                continue;
            }
            NetworkStateDir.RemoveIfEmpty(dir);
        }
    }

    /// <summary>Drops the whole index (no container is recorded any more); the next ADD lists the chains once.</summary>
    public void Clear()
    {
        if (!Directory.Exists(_dir)) return;
        try
        {
            // The markers first: an index without them is never trusted, whatever of it a concurrent ADD refills.
            File.Delete(Marker(NftFamily.Ip));
            File.Delete(Marker(NftFamily.Ip6));
            Directory.Delete(_dir, recursive: true);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException)
        {
            // Gone already, or an ADD is refilling it: either way the markers decide what the next reader trusts.
        }
    }

    private string Marker(NftFamily family) => Path.Combine(_dir, "indexed-" + NftBatch.Name(family));

    private string KeyDir(NftFamily family, byte protocol, ushort port) =>
        Path.Combine(_dir, $"{NftBatch.Name(family)}-{protocol}-{port}");

    private static string Safe(string name) => NetworkStateDir.SafeName(name);
}
