using CniBox.Interop;
using CniBox.Netlink.Constants;
using Tmds.Linux;

namespace CniBox.Netlink.Namespaces;

/// <summary>
/// An fd opened O_RDONLY|O_CLOEXEC on a network namespace file (<c>/var/run/netns/x</c>,
/// <c>/proc/PID/ns/net</c>), checked to really be a netns: fstatfs says nsfs (or proc on old
/// kernels) and ioctl(NS_GET_NSTYPE) says CLONE_NEWNET.
/// </summary>
public sealed unsafe class NetNsHandle : FileDescriptorHandle
{
    /// <summary>_IO(NSIO 0xb7, 0x3) from linux/nsfs.h.</summary>
    private const int NS_GET_NSTYPE = 0xb703;
    private const long NSFS_MAGIC = 0x6e736673;
    private const long PROC_SUPER_MAGIC = 0x9fa0;
    /// <summary>Room for struct statfs (120 bytes on x86_64); f_type is the first long on x86_64 and arm64.</summary>
    private const int StatfsBufferSize = 256;

    private NetNsHandle(int fd, string path) : base(fd, ownsHandle: true) => Path = path;

    public string Path { get; }

    /// <exception cref="NetNsNotFoundException">The path does not exist.</exception>
    /// <exception cref="NotANetNsException">The path exists but is not a network namespace.</exception>
    /// <exception cref="NetNsException">Any other failure (permissions ...).</exception>
    public static NetNsHandle Open(string path)
    {
        int fd;
        fixed (byte* p = CString.Of(path))
            fd = LibC.open(p, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
        {
            int errno = LibC.errno;
            throw errno switch
            {
                Errno.ENOENT => new NetNsNotFoundException(path),
                Errno.ENOTDIR => new NetNsNotFoundException(path),
                _ => NetNsException.FromErrno(path, errno, "open"),
            };
        }
        var handle = new NetNsHandle(fd, path);
        try
        {
            handle.Validate();
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>A second fd (F_DUPFD_CLOEXEC) on the same namespace, with the same <see cref="Path"/>, owned by the caller.</summary>
    public NetNsHandle Duplicate()
    {
        int fd = LibC.fcntl(DangerousFd, LibC.F_DUPFD_CLOEXEC, 0);
        if (fd < 0)
            throw NetNsException.FromErrno(Path, LibC.errno, "fcntl(F_DUPFD_CLOEXEC)");
        return new NetNsHandle(fd, Path);
    }

    /// <summary>True when both handles refer to the same namespace (same st_dev and st_ino).</summary>
    public bool IsSameNamespace(NetNsHandle other) => Identity() == other.Identity();

    /// <summary>(st_dev, st_ino) of the namespace file; equal pairs mean the same namespace.</summary>
    public (ulong Device, ulong Inode) Identity()
    {
        stat status;
        if (LibC.fstat(DangerousFd, &status) != 0)
            throw NetNsException.FromErrno(Path, LibC.errno, "fstat");
        return (status.st_dev, status.st_ino);
    }

    private void Validate()
    {
        byte* statfs = stackalloc byte[StatfsBufferSize];
        if (LibCGaps.fstatfs(DangerousFd, statfs) != 0)
            throw NetNsException.FromErrno(Path, LibC.errno, "fstatfs");
        long fsType = *(long*)statfs;
        if (fsType != NSFS_MAGIC && fsType != PROC_SUPER_MAGIC)
            throw new NotANetNsException(Path);
        int nsType = LibC.ioctl(DangerousFd, NS_GET_NSTYPE, 0);
        if (nsType < 0)
        {
            int errno = LibC.errno;
            throw errno is Errno.ENOTTY or Errno.EINVAL
                ? new NotANetNsException(Path)
                : NetNsException.FromErrno(Path, errno, "ioctl(NS_GET_NSTYPE)");
        }
        if (nsType != LibC.CLONE_NEWNET)
            throw new NotANetNsException(Path);
    }
}
