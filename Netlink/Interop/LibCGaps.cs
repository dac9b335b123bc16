using System.Runtime.InteropServices;
using Tmds.Linux;

namespace CniBox.Interop;

/// <summary>
/// The libc calls cnibox needs that Tmds.LibC 0.5.0 does not bind (or binds without errno). Everything else goes
/// through <see cref="LibC"/>. The library name must stay "libc.so.6", the name Tmds.LibC uses too: the csproj's
/// DirectPInvoke binds exactly that name at link time in the static binary. errno: <see cref="LibC.errno"/>.
/// </summary>
public static unsafe partial class LibCGaps
{
    private const string Libc = "libc.so.6";

    /// <summary>flock(2) operations (sys/file.h).</summary>
    public const int LOCK_EX = 2, LOCK_UN = 8;

    /// <summary>d_type of a directory in getdents64's records (dirent.h).</summary>
    public const byte DT_DIR = 4;

    /// <summary>Tmds.LibC's poll has no SetLastError, so EINTR (a GC suspension signal) could not be told from a failure.</summary>
    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    public static partial int poll(pollfd* fds, nuint count, int timeoutMilliseconds);

    /// <summary>Not in Tmds.LibC (it has statvfs, whose f_fsid is not the f_type magic that tells nsfs from a plain file).</summary>
    [LibraryImport(Libc, EntryPoint = "fstatfs", SetLastError = true)]
    public static partial int fstatfs(int fd, byte* statfsBuffer);

    /// <summary>Not in Tmds.LibC (only fcntl and lockf locks, which do not exclude the flock(2) that Go's host-local takes).</summary>
    [LibraryImport(Libc, EntryPoint = "flock", SetLastError = true)]
    public static partial int flock(int fd, int operation);

    /// <summary>Not in Tmds.LibC (no rename of any kind).</summary>
    [LibraryImport(Libc, EntryPoint = "renameat", SetLastError = true)]
    public static partial int renameat(int oldDirFd, byte* oldPath, int newDirFd, byte* newPath);

    /// <summary>Not in Tmds.LibC (no directory reading); raw entries: d_ino, d_off, d_reclen, d_type, name\0.</summary>
    [LibraryImport(Libc, EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint getdents64(int fd, byte* buffer, nuint count);

    /// <summary>Not in Tmds.LibC (no wait family).</summary>
    [LibraryImport(Libc, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    /// <summary>Not in Tmds.LibC (only fork/vfork/execve, which are unsafe in a multithreaded .NET process).</summary>
    [LibraryImport(Libc, EntryPoint = "posix_spawn")]
    public static partial int posix_spawn(int* pid, byte* path, byte* fileActions, void* attributes, byte** argv, byte** envp);

    /// <summary>Not in Tmds.LibC, as posix_spawn. <paramref name="fileActions"/> is opaque (80 bytes in glibc).</summary>
    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int posix_spawn_file_actions_init(byte* fileActions);

    /// <summary>Not in Tmds.LibC, as posix_spawn.</summary>
    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int posix_spawn_file_actions_destroy(byte* fileActions);

    /// <summary>Not in Tmds.LibC, as posix_spawn.</summary>
    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int posix_spawn_file_actions_adddup2(byte* fileActions, int fd, int newFd);
}
