using System.Runtime.InteropServices;

namespace CniBox.Netlink;

/// <summary>struct sockaddr_nl (linux/netlink.h), 12 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SockaddrNl
{
    public ushort nl_family;
    public ushort nl_pad;
    public uint nl_pid;
    public uint nl_groups;
}

/// <summary>struct pollfd (poll.h), 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int fd;
    public short events;
    public short revents;
}

/// <summary>
/// libc entry points used by Netlink. The library name must stay "libc.so.6": the csproj's
/// DirectPInvoke binds exactly that name at link time in the static binary.
/// </summary>
internal static unsafe partial class Native
{
    private const string Libc = "libc.so.6";

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_CLOEXEC = 0x80000;
    public const int CLONE_NEWNET = 0x40000000;
    public const int F_DUPFD_CLOEXEC = 1030;
    public const short POLLIN = 0x1;
    /// <summary>_IO(NSIO 0xb7, 0x3) from linux/nsfs.h.</summary>
    public const nuint NS_GET_NSTYPE = 0xb703;
    public const long NSFS_MAGIC = 0x6e736673;
    public const long PROC_SUPER_MAGIC = 0x9fa0;

    /// <summary>Room for struct stat (144 bytes on x86_64, 128 on arm64); st_dev at 0, st_ino at 8 on both.</summary>
    public const int StatBufferSize = 256;
    /// <summary>Room for struct statfs (120 bytes on x86_64); f_type is the first long on x86_64 and arm64.</summary>
    public const int StatfsBufferSize = 256;

    [LibraryImport(Libc, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Libc, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(SafeHandle fd, SockaddrNl* address, uint addressLength);

    [LibraryImport(Libc, EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(SafeHandle fd, SockaddrNl* address, uint* addressLength);

    [LibraryImport(Libc, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(SafeHandle fd, int level, int name, int* value, uint valueLength);

    [LibraryImport(Libc, EntryPoint = "sendto", SetLastError = true)]
    public static partial nint SendTo(SafeHandle fd, byte* buffer, nuint length, int flags, SockaddrNl* address, uint addressLength);

    [LibraryImport(Libc, EntryPoint = "recvfrom", SetLastError = true)]
    public static partial nint RecvFrom(SafeHandle fd, byte* buffer, nuint length, int flags, SockaddrNl* address, uint* addressLength);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "fstat", SetLastError = true)]
    public static partial int FStat(SafeHandle fd, byte* statBuffer);

    [LibraryImport(Libc, EntryPoint = "fstatfs", SetLastError = true)]
    public static partial int FStatFs(SafeHandle fd, byte* statfsBuffer);

    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(SafeHandle fd, nuint request, nint argument);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(SafeHandle fd, int command, int argument);

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Libc, EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(SafeHandle fd, int nsType);
}
