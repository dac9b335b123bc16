using CniBox.Netlink.Constants;

namespace CniBox.Netlink.Namespaces;

/// <summary>A network namespace path could not be opened or used.</summary>
public class NetNsException : Exception
{
    public NetNsException(string path, int errno, string message) : base(message)
    {
        Path = path;
        Errno = errno;
    }

    /// <summary>A failed syscall on the path, e.g. <c>setns "/var/run/netns/x": operation not permitted (EPERM)</c>.</summary>
    public static NetNsException FromErrno(string path, int errno, string operation) =>
        new(path, errno, $"{operation} \"{path}\": {Constants.Errno.Text(errno)} ({Constants.Errno.Name(errno)})");

    public string Path { get; }

    /// <summary>Positive errno, or 0 when the failure was not a syscall error.</summary>
    public int Errno { get; }
}

/// <summary>The path does not exist (ENOENT); DEL treats this as success.</summary>
public sealed class NetNsNotFoundException(string path)
    : NetNsException(path, Constants.Errno.ENOENT, $"network namespace \"{path}\" does not exist");

/// <summary>The path exists but is not a network namespace (a directory, a file, another ns type).</summary>
public sealed class NotANetNsException(string path)
    : NetNsException(path, 0, $"\"{path}\" is not a network namespace");
