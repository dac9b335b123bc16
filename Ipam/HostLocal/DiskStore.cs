using System.Text;
using CniBox.Interop;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Config;
using Tmds.Linux;

namespace CniBox.Ipam.HostLocal;

/// <summary>
/// The Go plugin's directory, byte for byte: <c>&lt;dataDir&gt;/&lt;net&gt;/</c> (0755) holding one file per IP
/// named by its text with <c>cid\r\nifname</c> (0600, no newline), <c>last_reserved_ip.&lt;set&gt;</c> and
/// <c>lock</c> (0750, flock). A reservation is written to a temp file and hard-linked to the IP's name, so
/// the name never exists without its owner line; link(2) failing with EEXIST means "taken". Like the Go
/// plugin, nothing is fsynced: a power loss may lose the newest reservations or leave an IP file without its
/// owner line, but it also ends every container they were made for, and GC frees owner-less files.
/// </summary>
public sealed class DiskStore : IStore
{
    public const string LockFileName = "lock";
    public const string LastReservedPrefix = "last_reserved_ip.";
    internal const string TempPrefix = ".tmp-";

    private readonly StoreDirectory _dir;
    private readonly FileDescriptorHandle _lock;
    private string? _pendingTemp;
    private OwnerIndex? _index;
    private Attachment _pendingOwner;

    private DiskStore(StoreDirectory dir, FileDescriptorHandle lockFd) => (_dir, _lock) = (dir, lockFd);

    /// <summary>The network's directory.</summary>
    public string Path => _dir.Path;

    /// <summary>Creates the network's directory and lock file as Go's disk.New does.</summary>
    public static DiskStore Open(string dataDir, string network)
    {
        HostLocalConfig.ValidateNetworkName(network);
        var path = System.IO.Path.Join(string.IsNullOrEmpty(dataDir) ? HostLocalConfig.DefaultDataDir : dataDir, network);
        MkdirAll(path);
        var dir = StoreDirectory.Open(path);
        try
        {
            var lockPath = System.IO.Path.Join(path, LockFileName);
            var lockFd = StoreDirectory.OpenOrThrow(lockPath, LibC.O_CREAT | LibC.O_RDONLY | LibC.O_CLOEXEC, 0b111_101_000);
            return new DiskStore(dir, lockFd);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Go's os.MkdirAll(path, 0755): every missing component, mode 0755 less the umask.</summary>
    private static void MkdirAll(string path)
    {
        for (var end = path.IndexOf('/', 1); ; end = path.IndexOf('/', end + 1))
        {
            var prefix = end < 0 ? path : path[..end];
            if (prefix.Length > 0 && !prefix.EndsWith('/')) Mkdir(prefix);
            if (end < 0) return;
        }
    }

    private static unsafe void Mkdir(string path)
    {
        fixed (byte* p = CString.Of(path))
            if (LibC.mkdir(p, 0b111_101_101) != 0 && LibC.errno is var errno && errno != LibC.EEXIST)
                throw Fail("mkdir", path, errno);
    }

    public IDisposable Lock()
    {
        while (LibCGaps.flock(_lock.DangerousFd, LibCGaps.LOCK_EX) != 0)
        {
            var errno = LibC.errno;
            if (errno != LibC.EINTR) throw Fail("flock", LockFileName, errno);
        }
        return new Holder(this);
    }

    public bool Reserve(string containerId, string ifName, IpAddr ip, int rangeSetIndex)
    {
        var owner = new Attachment(containerId.Trim(), ifName);
        if (_pendingTemp is not null && _pendingOwner != owner) DropPendingTemp();
        // A candidate that turns out taken leaves the temp file for the next candidate.
        _pendingTemp ??= WriteTemp(OwnerKey(owner.ContainerId, ifName));
        _pendingOwner = owner;
        var name = ip.ToString();
        if (!_dir.TryLink(_pendingTemp, name, out var linkErrno))
        {
            if (linkErrno == LibC.EEXIST) return false;
            throw Fail("link", name, linkErrno);
        }
        DropPendingTemp();
        var lastTemp = WriteTemp(name);
        if (!_dir.TryRename(lastTemp, LastReservedPrefix + rangeSetIndex, out var renameErrno))
        {
            _dir.Unlink(lastTemp);
            throw Fail("rename", LastReservedPrefix + rangeSetIndex, renameErrno);
        }
        return true;
    }

    public IpAddr? LastReservedIp(int rangeSetIndex)
    {
        Span<byte> buffer = stackalloc byte[64];
        var n = ReadSmall(LastReservedPrefix + rangeSetIndex, buffer);
        if (n <= 0 || n == buffer.Length) return null;
        return IpAddr.TryParse(Encoding.ASCII.GetString(buffer[..n]), out var ip) ? ip : null;
    }

    public IReadOnlyList<IpAddr> GetByOwner(string containerId, string ifName)
    {
        var (key, legacy) = (Key(containerId, ifName), Key(containerId, null));
        var ips = new List<IpAddr>();
        Scan((_, ip, owner) =>
        {
            if (owner.SequenceEqual(key) || owner.SequenceEqual(legacy)) ips.Add(ip);
        });
        return ips;
    }

    public bool HasOwner(string containerId, string ifName) => GetByOwner(containerId, ifName).Count > 0;

    public int Release(string containerId, string ifName)
    {
        var (key, legacy) = (Key(containerId, ifName), Key(containerId, null));
        var current = new List<string>();
        var old = new List<string>();
        Scan((name, _, owner) =>
        {
            if (owner.SequenceEqual(key)) current.Add(name);
            else if (owner.SequenceEqual(legacy)) old.Add(name);
        });
        return Remove(current.Count > 0 ? current : old);
    }

    public int ReleaseAllExcept(IReadOnlyCollection<Attachment> valid)
    {
        var keys = valid.Select(a => OwnerKey(a.ContainerId.Trim(), a.IfName)).ToHashSet(StringComparer.Ordinal);
        var ids = valid.Select(a => a.ContainerId.Trim()).ToHashSet(StringComparer.Ordinal);
        var doomed = new List<string>();
        Scan((name, _, owner) =>
        {
            var text = Encoding.UTF8.GetString(owner);
            if (keys.Contains(text) || (!text.Contains("\r\n", StringComparison.Ordinal) && ids.Contains(text))) return;
            doomed.Add(name);
        });
        return Remove(doomed);
    }

    public IReadOnlyCollection<IpAddr> Allocated()
    {
        var ips = new List<IpAddr>();
        foreach (var name in _dir.EntryNames())
        {
            if (IpAddr.TryParse(name, out var ip)) ips.Add(ip);
        }
        return ips;
    }

    /// <summary>
    /// Proves a reservation could be written now: creates, writes and removes a temp file under the lock.
    /// Throws the CniException of the failing step (read-only filesystem, no space, permissions).
    /// </summary>
    public void ProbeWritable()
    {
        using (Lock())
        {
            var name = WriteTemp("probe\r\nprobe");
            _dir.Unlink(name);
        }
    }

    public void Dispose()
    {
        DropPendingTemp();
        _lock.Dispose();
        _dir.Dispose();
    }

    internal delegate void OwnerVisitor(string name, IpAddr ip, ReadOnlySpan<byte> owner);

    /// <summary>
    /// One pass over the directory: every file named by an IP is handed over with its trimmed content. Temp
    /// files of other writers are removed: under the lock nobody else can be writing one. In a large network
    /// the content comes from the <see cref="OwnerIndex"/> when the file is provably the one the index read.
    /// </summary>
    internal void Scan(OwnerVisitor visit)
    {
        Span<byte> buffer = stackalloc byte[512];
        var names = _dir.EntryNames();
        var index = names.Count >= OwnerIndex.MinEntries ? _index ??= OwnerIndex.Load(Path) : null;
        var live = index is null ? null : new List<string>(names.Count);
        foreach (var name in names)
        {
            if (name.StartsWith(TempPrefix, StringComparison.Ordinal))
            {
                if (name != _pendingTemp) _dir.Unlink(name);
                continue;
            }
            if (!IpAddr.TryParse(name, out var ip)) continue;
            byte[]? handle = null;
            if (index is not null)
            {
                live!.Add(name);
                if (index.Lookup(_dir.Fd, name, out handle) is { } cached)
                {
                    visit(name, ip, cached);
                    continue;
                }
            }
            var n = ReadSmall(name, buffer);
            if (n < 0) continue;
            scoped ReadOnlySpan<byte> owner;
            if (n == buffer.Length)
            {
                var whole = ReadWhole(name);
                if (whole is null) continue;
                owner = Trim(whole);
            }
            else
            {
                owner = Trim(buffer[..n]);
            }
            index?.Learn(name, handle, owner);
            visit(name, ip, owner);
        }
        index?.SaveIfWorthIt(live!);
    }

    private int Remove(List<string> names)
    {
        var removed = 0;
        foreach (var name in names)
        {
            if (_dir.Unlink(name)) removed++;
        }
        return removed;
    }

    /// <summary>Reads up to buffer.Length bytes; -1 when the file cannot be opened or read.</summary>
    private unsafe int ReadSmall(string name, Span<byte> buffer)
    {
        var fd = _dir.OpenAt(name, LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW | LibC.O_NONBLOCK, 0);
        if (fd < 0) return -1;
        try
        {
            var total = 0;
            fixed (byte* p = buffer)
            {
                while (total < buffer.Length)
                {
                    long n = LibC.read(fd, p + total, buffer.Length - total);
                    if (n < 0 && LibC.errno == LibC.EINTR) continue;
                    if (n < 0) return -1;
                    if (n == 0) break;
                    total += (int)n;
                }
            }
            return total;
        }
        finally
        {
            LibC.close(fd);
        }
    }

    private byte[]? ReadWhole(string name)
    {
        try
        {
            return File.ReadAllBytes(System.IO.Path.Join(Path, name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Creates a fresh 0600 temp file holding <paramref name="content"/> and returns its name.</summary>
    private unsafe string WriteTemp(string content)
    {
        var name = $"{TempPrefix}{Environment.ProcessId:x}-{Random.Shared.NextInt64():x16}";
        var fd = _dir.OpenAt(name, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0b110_000_000);
        if (fd < 0) throw Fail("open", name, LibC.errno);
        try
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            fixed (byte* p = bytes)
            {
                var done = 0;
                while (done < bytes.Length)
                {
                    long n = LibC.write(fd, p + done, bytes.Length - done);
                    if (n < 0 && LibC.errno == LibC.EINTR) continue;
                    if (n < 0) throw Fail("write", name, LibC.errno);
                    done += (int)n;
                }
            }
        }
        catch
        {
            LibC.close(fd);
            _dir.Unlink(name);
            throw;
        }
        LibC.close(fd);
        return name;
    }

    private void DropPendingTemp()
    {
        if (_pendingTemp is null) return;
        _dir.Unlink(_pendingTemp);
        _pendingTemp = null;
    }

    private static string OwnerKey(string id, string ifName) => id + "\r\n" + ifName;

    private static byte[] Key(string id, string? ifName) =>
        Encoding.UTF8.GetBytes(ifName is null ? id.Trim() : OwnerKey(id.Trim(), ifName));

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s) => s.Trim(" \t\n\v\f\r"u8);

    private static CniException Fail(string op, string name, int errno) => StoreDirectory.Fail(op, name, errno);

    private sealed class Holder(DiskStore store) : IDisposable
    {
        private DiskStore? _store = store;

        public void Dispose()
        {
            if (_store is null) return;
            _store.DropPendingTemp();
            LibCGaps.flock(_store._lock.DangerousFd, LibCGaps.LOCK_UN);
            _store = null;
        }
    }
}
