using System.Runtime.InteropServices;
using System.Text;
using CniBox.Interop;
using CniBox.Spec;
using Tmds.Linux;

namespace CniBox.Ipam.HostLocal;

/// <summary>
/// The network directory as an open fd, with the *at(2) calls the disk store makes relative to it: names are
/// resolved against this directory even if its path is renamed meanwhile, and no path is joined per call.
/// </summary>
internal sealed unsafe class StoreDirectory : IDisposable
{
    private readonly FileDescriptorHandle _fd;

    private StoreDirectory(string path, FileDescriptorHandle fd) => (Path, _fd) = (path, fd);

    public string Path { get; }

    /// <summary>The raw fd, for name_to_handle_at in <see cref="OwnerIndex"/>; valid while this lives.</summary>
    public int Fd => _fd.DangerousFd;

    public static StoreDirectory Open(string path) =>
        new(path, OpenOrThrow(path, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0));

    /// <summary>open(2) of an absolute path, owned by the caller.</summary>
    public static FileDescriptorHandle OpenOrThrow(string path, int flags, ushort mode)
    {
        int fd;
        fixed (byte* p = CString.Of(path))
            fd = LibC.open(p, flags, mode);
        return fd >= 0 ? new FileDescriptorHandle(fd) : throw Fail("open", path, LibC.errno);
    }

    /// <summary>openat(2) of an entry; the raw fd (or -1 with errno set), which the caller closes.</summary>
    public int OpenAt(string name, int flags, ushort mode)
    {
        fixed (byte* p = CString.Of(name))
            return LibC.openat(Fd, p, flags, mode);
    }

    /// <summary>linkat(2) within the directory; false with <paramref name="errno"/> on failure.</summary>
    public bool TryLink(string existing, string name, out int errno)
    {
        fixed (byte* from = CString.Of(existing), to = CString.Of(name))
        {
            var ok = LibC.linkat(Fd, from, Fd, to, 0) == 0;
            errno = ok ? 0 : LibC.errno;
            return ok;
        }
    }

    /// <summary>renameat(2) within the directory; false with <paramref name="errno"/> on failure.</summary>
    public bool TryRename(string existing, string name, out int errno)
    {
        fixed (byte* from = CString.Of(existing), to = CString.Of(name))
        {
            var ok = LibCGaps.renameat(Fd, from, Fd, to) == 0;
            errno = ok ? 0 : LibC.errno;
            return ok;
        }
    }

    /// <summary>unlinkat(2) of an entry; false when it failed (already gone, permissions).</summary>
    public bool Unlink(string name)
    {
        fixed (byte* p = CString.Of(name))
            return LibC.unlinkat(Fd, p, 0) == 0;
    }

    /// <summary>Every non-directory entry, read with getdents64 into one buffer (no per-entry stat).</summary>
    public List<string> EntryNames()
    {
        var names = new List<string>();
        if (LibC.lseek(Fd, 0, LibC.SEEK_SET) < 0) throw Fail("lseek", Path, LibC.errno);
        var buffer = new byte[64 * 1024];
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = LibCGaps.getdents64(Fd, p, (nuint)buffer.Length);
                if (n < 0 && LibC.errno == LibC.EINTR) continue;
                if (n < 0) throw Fail("getdents64", Path, LibC.errno);
                if (n == 0) break;
                for (var pos = 0; pos < n;)
                {
                    var reclen = *(ushort*)(p + pos + 16);
                    var type = p[pos + 18];
                    var name = new ReadOnlySpan<byte>(p + pos + 19, reclen - 19);
                    name = name[..name.IndexOf((byte)0)];
                    if (type != LibCGaps.DT_DIR) names.Add(Encoding.UTF8.GetString(name));
                    pos += reclen;
                }
            }
        }
        return names;
    }

    public void Dispose() => _fd.Dispose();

    public static CniException Fail(string op, string name, int errno) =>
        new(ErrorCode.Internal, $"{op} {name}: {Marshal.GetPInvokeErrorMessage(errno)}");
}
