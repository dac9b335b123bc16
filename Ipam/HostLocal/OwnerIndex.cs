using System.Buffers.Binary;
using System.Text;
using Tmds.Linux;

namespace CniBox.Ipam.HostLocal;

/// <summary>
/// A cache of the owner lines of a large network, so a lookup need not open every IP file (Go's DEL reads all of
/// them). It lives beside the network directory (<c>&lt;dataDir&gt;/.&lt;net&gt;.cnibox-owners</c>), so the
/// directory stays byte-for-byte the Go plugin's, and the files remain the only source of truth:
/// <list type="bullet">
/// <item>Each entry is keyed by the file's name and its kernel file handle (inode number + the inode's random
/// generation on ext4/xfs/btrfs/tmpfs), taken with name_to_handle_at without opening the file. A cached owner is
/// used only when the file under that name is still the very same incarnation; anything else (a file the index
/// does not know, a different inode, a recreated inode) is read from disk.</item>
/// <item>Both writers create IP files exclusively and never rewrite them (Go: O_EXCL create, then the owner line,
/// under the lock; cnibox: link of a complete temp file), so an incarnation's content never changes.</item>
/// <item>Entries for files that are gone are never consulted: the directory listing drives every scan.</item>
/// <item>A missing, torn or foreign index, or a filesystem without file handles, just means reading the files.</item>
/// </list>
/// The index is rewritten (temp file + rename, under the network lock) when a scan had to read many files.
/// </summary>
internal sealed class OwnerIndex
{
    /// <summary>Below this many IP files a plain scan is cheap and no index is kept.</summary>
    public const int MinEntries = 256;
    private static readonly byte[] Magic = "cnibox-owners v1\n"u8.ToArray();
    private const int MaxHandle = 64;

    private readonly string _path;
    private readonly Dictionary<string, Entry> _entries;
    private bool _handlesUnsupported;
    private int _misses;
    private int _seen;

    private readonly record struct Entry(byte[] Handle, byte[] Owner);

    private OwnerIndex(string path, Dictionary<string, Entry> entries) => (_path, _entries) = (path, entries);

    public static string PathFor(string networkDir)
    {
        var parent = Path.GetDirectoryName(networkDir.TrimEnd('/')) ?? ".";
        return Path.Join(parent, "." + Path.GetFileName(networkDir.TrimEnd('/')) + ".cnibox-owners");
    }

    /// <summary>The index beside <paramref name="networkDir"/>; empty when absent or unreadable.</summary>
    public static OwnerIndex Load(string networkDir)
    {
        var path = PathFor(networkDir);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new OwnerIndex(path, new Dictionary<string, Entry>(StringComparer.Ordinal));
        }
        return new OwnerIndex(path, Parse(bytes) ?? new Dictionary<string, Entry>(StringComparer.Ordinal));
    }

    /// <summary>
    /// The cached owner of <paramref name="name"/> when the file is the incarnation the index knows; otherwise
    /// null and the caller reads the file and hands the content to <see cref="Learn"/>.
    /// </summary>
    public unsafe byte[]? Lookup(int dirFd, string name, out byte[]? handle)
    {
        _seen++;
        handle = null;
        if (_handlesUnsupported) return null;
        var current = HandleOf(dirFd, name);
        if (current is null) return null;
        handle = current;
        if (_entries.TryGetValue(name, out var entry) && entry.Handle.AsSpan().SequenceEqual(current)) return entry.Owner;
        return null;
    }

    /// <summary>Records the content just read for a file whose handle <see cref="Lookup"/> returned.</summary>
    public void Learn(string name, byte[]? handle, ReadOnlySpan<byte> owner)
    {
        _misses++;
        if (handle is not null) _entries[name] = new Entry(handle, owner.ToArray());
    }

    /// <summary>Drops a released file.</summary>
    public void Forget(string name) => _entries.Remove(name);

    /// <summary>
    /// After a scan of <paramref name="liveNames"/> (every IP file now present): rewrites the index, pruned to those
    /// names, when the directory is large and the scan read more files than the cache answered cheaply.
    /// </summary>
    public void SaveIfWorthIt(IReadOnlyCollection<string> liveNames)
    {
        if (_handlesUnsupported || liveNames.Count < MinEntries) return;
        if (_misses < Math.Max(32, liveNames.Count / 64)) return;
        try
        {
            var live = new HashSet<string>(liveNames, StringComparer.Ordinal);
            var buffer = new MemoryStream(liveNames.Count * 96);
            buffer.Write(Magic);
            Span<byte> word = stackalloc byte[4];
            var kept = new List<KeyValuePair<string, Entry>>(_entries.Count);
            foreach (var e in _entries)
                if (live.Contains(e.Key)) kept.Add(e);
            BinaryPrimitives.WriteInt32LittleEndian(word, kept.Count);
            buffer.Write(word);
            foreach (var (name, entry) in kept)
            {
                WriteBlock(buffer, Encoding.UTF8.GetBytes(name));
                WriteBlock(buffer, entry.Handle);
                WriteBlock(buffer, entry.Owner);
            }
            var temp = _path + ".tmp";
            File.WriteAllBytes(temp, buffer.ToArray());
            File.Move(temp, _path, overwrite: true);
            _misses = 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a cache: the next scan reads the files again.
        }
    }

    /// <summary>Removes the index (tests; and an admin may delete it any time).</summary>
    public static void Delete(string networkDir) => File.Delete(PathFor(networkDir));

    private static void WriteBlock(MemoryStream buffer, ReadOnlySpan<byte> data)
    {
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)data.Length);
        buffer.Write(len);
        buffer.Write(data);
    }

    private static Dictionary<string, Entry>? Parse(byte[] bytes)
    {
        var span = bytes.AsSpan();
        if (!span.StartsWith(Magic) || span.Length < Magic.Length + 4) return null;
        var pos = Magic.Length;
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[pos..]);
        pos += 4;
        if (count < 0 || count > bytes.Length) return null;
        var entries = new Dictionary<string, Entry>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            if (!ReadBlock(span, ref pos, out var name) || !ReadBlock(span, ref pos, out var handle) || !ReadBlock(span, ref pos, out var owner))
                return null;
            entries[Encoding.UTF8.GetString(name)] = new Entry(handle.ToArray(), owner.ToArray());
        }
        return pos == bytes.Length ? entries : null;
    }

    private static bool ReadBlock(ReadOnlySpan<byte> span, ref int pos, out ReadOnlySpan<byte> block)
    {
        block = default;
        if (pos + 2 > span.Length) return false;
        var len = BinaryPrimitives.ReadUInt16LittleEndian(span[pos..]);
        pos += 2;
        if (pos + len > span.Length) return false;
        block = span.Slice(pos, len);
        pos += len;
        return true;
    }

    /// <summary>handle_type + f_handle of the file, or null (and no more tries) when the filesystem has none.</summary>
    private unsafe byte[]? HandleOf(int dirFd, string name)
    {
        Span<byte> nameZ = stackalloc byte[Encoding.UTF8.GetMaxByteCount(name.Length) + 1];
        var n = Encoding.UTF8.GetBytes(name, nameZ);
        nameZ[n] = 0;
        byte* buffer = stackalloc byte[8 + MaxHandle];
        *(uint*)buffer = MaxHandle;
        int mountId;
        fixed (byte* namePtr = nameZ)
        {
            if (LibC.name_to_handle_at(dirFd, namePtr, (file_handle*)buffer, &mountId, 0) != 0)
            {
                var errno = LibC.errno;
                if (errno == LibC.EOPNOTSUPP || errno == LibC.ENOSYS) _handlesUnsupported = true;
                return null;
            }
        }
        var length = (int)*(uint*)buffer;
        var handle = new byte[4 + length];
        new ReadOnlySpan<byte>(buffer + 4, 4 + length).CopyTo(handle);
        return handle;
    }
}
