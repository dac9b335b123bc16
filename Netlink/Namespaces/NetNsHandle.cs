using System.Runtime.InteropServices;
using CniBox.Netlink.Constants;

namespace CniBox.Netlink.Namespaces;

/// <summary>
/// An fd opened O_RDONLY|O_CLOEXEC on a network namespace file (<c>/var/run/netns/x</c>,
/// <c>/proc/PID/ns/net</c>), checked to really be a netns: fstatfs says nsfs (or proc on old
/// kernels) and ioctl(NS_GET_NSTYPE) says CLONE_NEWNET.
/// </summary>
public sealed unsafe class NetNsHandle : FileDescriptorHandle
{
    private NetNsHandle(int fd, string path) : base(fd, ownsHandle: true) => Path = path;

    public string Path { get; }

    /// <exception cref="NetNsNotFoundException">The path does not exist.</exception>
    /// <exception cref="NotANetNsException">The path exists but is not a network namespace.</exception>
    /// <exception cref="NetNsException">Any other failure (permissions ...).</exception>
    public static NetNsHandle Open(string path)
    {
        int fd = Native.Open(path, Native.O_RDONLY | Native.O_CLOEXEC, 0);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
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
        int fd = Native.Fcntl(this, Native.F_DUPFD_CLOEXEC, 0);
        if (fd < 0)
            throw NetNsException.FromErrno(Path, Marshal.GetLastPInvokeError(), "fcntl(F_DUPFD_CLOEXEC)");
        return new NetNsHandle(fd, Path);
    }

    /// <summary>True when both handles refer to the same namespace (same st_dev and st_ino).</summary>
    public bool IsSameNamespace(NetNsHandle other) => Identity() == other.Identity();

    /// <summary>(st_dev, st_ino) of the namespace file; equal pairs mean the same namespace.</summary>
    public (ulong Device, ulong Inode) Identity()
    {
        byte* stat = stackalloc byte[Native.StatBufferSize];
        if (Native.FStat(this, stat) != 0)
            throw NetNsException.FromErrno(Path, Marshal.GetLastPInvokeError(), "fstat");
        return (*(ulong*)stat, *(ulong*)(stat + 8));
    }

    private void Validate()
    {
        byte* statfs = stackalloc byte[Native.StatfsBufferSize];
        if (Native.FStatFs(this, statfs) != 0)
            throw NetNsException.FromErrno(Path, Marshal.GetLastPInvokeError(), "fstatfs");
        long fsType = *(long*)statfs;
        if (fsType != Native.NSFS_MAGIC && fsType != Native.PROC_SUPER_MAGIC)
            throw new NotANetNsException(Path);
        int nsType = Native.Ioctl(this, Native.NS_GET_NSTYPE, 0);
        if (nsType < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno is Errno.ENOTTY or Errno.EINVAL
                ? new NotANetNsException(Path)
                : NetNsException.FromErrno(Path, errno, "ioctl(NS_GET_NSTYPE)");
        }
        if (nsType != Native.CLONE_NEWNET)
            throw new NotANetNsException(Path);
    }
}
