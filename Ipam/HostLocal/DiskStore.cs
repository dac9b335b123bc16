using System.Text;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Config;

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

    private readonly FdHandle _dir;
    private readonly FdHandle _lock;
    private string? _pendingTemp;
    private OwnerIndex? _index;
    private Attachment _pendingOwner;

    private DiskStore(string path, FdHandle dir, FdHandle lockFd) => (Path, _dir, _lock) = (path, dir, lockFd);

    /// <summary>The network's directory.</summary>
    public string Path { get; }

    /// <summary>Creates the network's directory and lock file as Go's disk.New does.</summary>
    public static DiskStore Open(string dataDir, string network)
    {
        HostLocalConfig.ValidateNetworkName(network);
        var path = System.IO.Path.Join(string.IsNullOrEmpty(dataDir) ? HostLocalConfig.DefaultDataDir : dataDir, network);
        MkdirAll(path);
        var dir = OpenOrThrow(path, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        try
        {
            var lockFd = OpenOrThrow(System.IO.Path.Join(path, LockFileName), LibC.O_CREAT | LibC.O_RDONLY | LibC.O_CLOEXEC, 0b111_101_000);
            return new DiskStore(path, dir, lockFd);
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
            if (prefix.Length > 0 && !prefix.EndsWith('/') && LibC.Mkdir(prefix, 0b111_101_101) != 0)
            {
                var errno = LibC.Errno;
                if (errno != LibC.EEXIST) throw Fail("mkdir", prefix, errno);
            }
            if (end < 0) return;
        }
    }

    public IDisposable Lock()
    {
        while (LibC.Flock(_lock.Fd, LibC.LOCK_EX) != 0)
        {
            var errno = LibC.Errno;
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
        if (LibC.LinkAt(_dir.Fd, _pendingTemp, _dir.Fd, name, 0) != 0)
        {
            var errno = LibC.Errno;
            if (errno == LibC.EEXIST) return false;
            throw Fail("link", name, errno);
        }
        DropPendingTemp();
        var lastTemp = WriteTemp(name);
        if (LibC.RenameAt(_dir.Fd, lastTemp, _dir.Fd, LastReservedPrefix + rangeSetIndex) != 0)
        {
            var errno = LibC.Errno;
            LibC.UnlinkAt(_dir.Fd, lastTemp, 0);
            throw Fail("rename", LastReservedPrefix + rangeSetIndex, errno);
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
        foreach (var name in EntryNames())
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
            LibC.UnlinkAt(_dir.Fd, name, 0);
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
        var names = EntryNames();
        var index = names.Count >= OwnerIndex.MinEntries ? _index ??= OwnerIndex.Load(Path) : null;
        var live = index is null ? null : new List<string>(names.Count);
        foreach (var name in names)
        {
            if (name.StartsWith(TempPrefix, StringComparison.Ordinal))
            {
                if (name != _pendingTemp) LibC.UnlinkAt(_dir.Fd, name, 0);
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

    /// <summary>Every non-directory entry, read with getdents64 into one buffer (no per-entry stat).</summary>
    private unsafe List<string> EntryNames()
    {
        var names = new List<string>();
        if (LibC.LSeek(_dir.Fd, 0, 0) < 0) throw Fail("lseek", Path, LibC.Errno);
        var buffer = new byte[64 * 1024];
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = LibC.GetDents64(_dir.Fd, p, (nuint)buffer.Length);
                if (n < 0 && LibC.Errno == LibC.EINTR) continue;
                if (n < 0) throw Fail("getdents64", Path, LibC.Errno);
                if (n == 0) break;
                for (var pos = 0; pos < n;)
                {
                    var reclen = *(ushort*)(p + pos + 16);
                    var type = p[pos + 18];
                    var name = new ReadOnlySpan<byte>(p + pos + 19, reclen - 19);
                    name = name[..name.IndexOf((byte)0)];
                    if (type != LibC.DT_DIR) names.Add(Encoding.UTF8.GetString(name));
                    pos += reclen;
                }
            }
        }
        return names;
    }

    private int Remove(List<string> names)
    {
        var removed = 0;
        foreach (var name in names)
        {
            if (LibC.UnlinkAt(_dir.Fd, name, 0) == 0) removed++;
        }
        return removed;
    }

    /// <summary>Reads up to buffer.Length bytes; -1 when the file cannot be opened or read.</summary>
    private unsafe int ReadSmall(string name, Span<byte> buffer)
    {
        var fd = LibC.OpenAt(_dir.Fd, name, LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW | LibC.O_NONBLOCK, 0);
        if (fd < 0) return -1;
        try
        {
            var total = 0;
            fixed (byte* p = buffer)
            {
                while (total < buffer.Length)
                {
                    var n = LibC.Read(fd, p + total, (nuint)(buffer.Length - total));
                    if (n < 0 && LibC.Errno == LibC.EINTR) continue;
                    if (n < 0) return -1;
                    if (n == 0) break;
                    total += (int)n;
                }
            }
            return total;
        }
        finally
        {
            LibC.Close(fd);
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
        var fd = LibC.OpenAt(_dir.Fd, name, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0b110_000_000);
        if (fd < 0) throw Fail("open", name, LibC.Errno);
        try
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            fixed (byte* p = bytes)
            {
                var done = 0;
                while (done < bytes.Length)
                {
                    var n = LibC.Write(fd, p + done, (nuint)(bytes.Length - done));
                    if (n < 0 && LibC.Errno == LibC.EINTR) continue;
                    if (n < 0) throw Fail("write", name, LibC.Errno);
                    done += (int)n;
                }
            }
        }
        catch
        {
            LibC.Close(fd);
            LibC.UnlinkAt(_dir.Fd, name, 0);
            throw;
        }
        LibC.Close(fd);
        return name;
    }

    private void DropPendingTemp()
    {
        if (_pendingTemp is null) return;
        LibC.UnlinkAt(_dir.Fd, _pendingTemp, 0);
        _pendingTemp = null;
    }

    private static string OwnerKey(string id, string ifName) => id + "\r\n" + ifName;

    private static byte[] Key(string id, string? ifName) =>
        Encoding.UTF8.GetBytes(ifName is null ? id.Trim() : OwnerKey(id.Trim(), ifName));

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s) => s.Trim(" \t\n\v\f\r"u8);

    private static FdHandle OpenOrThrow(string path, int flags, int mode)
    {
        var fd = LibC.Open(path, flags, mode);
        return fd >= 0 ? new FdHandle(fd) : throw Fail("open", path, LibC.Errno);
    }

    private static CniException Fail(string op, string name, int errno) =>
        new(ErrorCode.Internal, $"{op} {name}: {LibC.Describe(errno)}");

    private sealed class Holder(DiskStore store) : IDisposable
    {
        private DiskStore? _store = store;

        public void Dispose()
        {
            if (_store is null) return;
            _store.DropPendingTemp();
            LibC.Flock(_store._lock.Fd, LibC.LOCK_UN);
            _store = null;
        }
    }
}
