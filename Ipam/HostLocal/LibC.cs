using System.Runtime.InteropServices;

namespace CniBox.Ipam.HostLocal;

/// <summary>An owned fd closed with close(2).</summary>
internal sealed class FdHandle : SafeHandle
{
    public FdHandle(int fd) : base(-1, ownsHandle: true) => SetHandle(fd);
    public override bool IsInvalid => handle == -1;
    public int Fd => (int)handle;
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}

/// <summary>
/// The few libc calls the disk store needs that .NET does not expose (openat/linkat relative to a directory fd,
/// flock). The library name must stay "libc.so.6": the csproj binds exactly that name at link time.
/// </summary>
internal static partial class LibC
{
    private const string Libc = "libc.so.6";

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_NONBLOCK = 0x800;
    public const int O_DIRECTORY = 0x10000;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;
    public const int LOCK_EX = 2;
    public const int LOCK_UN = 8;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EEXIST = 17;

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mkdir(string path, int mode);

    [LibraryImport(Libc, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int dirFd, string path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static unsafe partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport(Libc, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LinkAt(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);

    [LibraryImport(Libc, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(int dirFd, string path, int flags);

    [LibraryImport(Libc, EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RenameAt(int oldDirFd, string oldPath, int newDirFd, string newPath);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}

internal static partial class LibC
{
    public const int EOPNOTSUPP = 95;
    public const byte DT_DIR = 4;

    /// <summary>Raw directory entries (glibc's getdents64 wrapper): d_ino, d_off, d_reclen, d_type, name\0.</summary>
    [LibraryImport(Libc, EntryPoint = "getdents64", SetLastError = true)]
    public static unsafe partial nint GetDents64(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "lseek", SetLastError = true)]
    public static partial long LSeek(int fd, long offset, int whence);

    /// <summary>
    /// The file's handle without opening it: on ext4, xfs, btrfs and tmpfs it holds the inode number and its random
    /// generation, so it names one incarnation of a file (a name recreated on a reused inode gets another).
    /// </summary>
    [LibraryImport(Libc, EntryPoint = "name_to_handle_at", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int NameToHandleAt(int dirFd, byte* name, byte* handle, int* mountId, int flags);
}
