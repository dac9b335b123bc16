namespace CniBox.Netlink.Constants;

/// <summary>Linux errno values (asm-generic/errno*.h) and their texts, worded as Go's syscall package words them.</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int ENOTTY = 25;
    public const int ENOSPC = 28;
    public const int ERANGE = 34;
    public const int EMSGSIZE = 90;
    public const int ENOPROTOOPT = 92;
    public const int EPROTONOSUPPORT = 93;
    public const int EOPNOTSUPP = 95;
    public const int ENOTSUP = EOPNOTSUPP;
    public const int EAFNOSUPPORT = 97;
    public const int EADDRINUSE = 98;
    public const int EADDRNOTAVAIL = 99;
    public const int ENETDOWN = 100;
    public const int ENETUNREACH = 101;
    public const int ENOBUFS = 105;

    /// <summary>Symbolic name, e.g. "ENOENT"; "errno N" when not in the table.</summary>
    public static string Name(int errno) => Lookup(errno).Name;

    /// <summary>Lower-case description, e.g. "no such file or directory".</summary>
    public static string Text(int errno) => Lookup(errno).Text;

    private static (string Name, string Text) Lookup(int errno) => errno switch
    {
        EPERM => ("EPERM", "operation not permitted"),
        ENOENT => ("ENOENT", "no such file or directory"),
        ESRCH => ("ESRCH", "no such process"),
        EINTR => ("EINTR", "interrupted system call"),
        EBADF => ("EBADF", "bad file descriptor"),
        EAGAIN => ("EAGAIN", "resource temporarily unavailable"),
        ENOMEM => ("ENOMEM", "cannot allocate memory"),
        EACCES => ("EACCES", "permission denied"),
        EBUSY => ("EBUSY", "device or resource busy"),
        EEXIST => ("EEXIST", "file exists"),
        ENODEV => ("ENODEV", "no such device"),
        ENOTDIR => ("ENOTDIR", "not a directory"),
        EINVAL => ("EINVAL", "invalid argument"),
        ENOTTY => ("ENOTTY", "inappropriate ioctl for device"),
        ENOSPC => ("ENOSPC", "no space left on device"),
        ERANGE => ("ERANGE", "numerical result out of range"),
        EMSGSIZE => ("EMSGSIZE", "message too long"),
        ENOPROTOOPT => ("ENOPROTOOPT", "protocol not available"),
        EPROTONOSUPPORT => ("EPROTONOSUPPORT", "protocol not supported"),
        EOPNOTSUPP => ("EOPNOTSUPP", "operation not supported"),
        EAFNOSUPPORT => ("EAFNOSUPPORT", "address family not supported by protocol"),
        EADDRINUSE => ("EADDRINUSE", "address already in use"),
        EADDRNOTAVAIL => ("EADDRNOTAVAIL", "cannot assign requested address"),
        ENETDOWN => ("ENETDOWN", "network is down"),
        ENETUNREACH => ("ENETUNREACH", "network is unreachable"),
        ENOBUFS => ("ENOBUFS", "no buffer space available"),
        _ => ($"errno {errno}", $"errno {errno}"),
    };
}
