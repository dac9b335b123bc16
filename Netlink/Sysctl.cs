using CniBox.Interop;
using CniBox.Netlink.Namespaces;
using Tmds.Linux;

namespace CniBox.Netlink;

/// <summary>
/// Kernel parameters under <c>/proc/sys</c>. Files below <c>/proc/sys/net</c> belong to the network namespace
/// of the thread that opens them, so <see cref="ReadIn"/> and <see cref="WriteIn"/> open them on a dedicated
/// thread switched into the namespace (<see cref="NetNs.Run{T}"/>).
/// Keys are sysctl(8) keys: <c>net.ipv4.ip_forward</c> (dots become slashes) or, when the key contains a
/// slash, a path relative to /proc/sys taken verbatim: <c>net/ipv4/conf/eth0.100/arp_notify</c> for
/// interface names that contain dots (see <see cref="InterfaceKey"/>).
/// </summary>
public static unsafe class Sysctl
{
    public const string Root = "/proc/sys";

    /// <summary><c>sysctl -n KEY</c>: the value without its trailing newline.</summary>
    public static string Read(string key)
    {
        var path = PathOf(key);
        var fd = OpenOrThrow(path, LibC.O_RDONLY);
        try
        {
            var buffer = stackalloc byte[4096];
            long n = LibC.read(fd, buffer, 4096);
            if (n < 0) throw Failure(path, "read");
            return System.Text.Encoding.UTF8.GetString(buffer, (int)n).TrimEnd('\n');
        }
        finally
        {
            LibC.close(fd);
        }
    }

    /// <summary><c>sysctl -w KEY=VALUE</c></summary>
    public static void Write(string key, string value)
    {
        var path = PathOf(key);
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        var fd = OpenOrThrow(path, LibC.O_WRONLY);
        try
        {
            fixed (byte* p = bytes)
                if (LibC.write(fd, p, bytes.Length) < 0) throw Failure(path, "write");
        }
        finally
        {
            LibC.close(fd);
        }
    }

    // Plain open/read/write: these are one-line procfs files, and FileStream's machinery is not needed.
    private static int OpenOrThrow(string path, int flags)
    {
        int fd;
        fixed (byte* p = CString.Of(path))
            fd = LibC.open(p, flags | LibC.O_CLOEXEC, 0);
        return fd >= 0 ? fd : throw Failure(path, "open");
    }

    private static IOException Failure(string path, string call)
    {
        var errno = LibC.errno;
        return errno switch
        {
            Constants.Errno.ENOENT => new FileNotFoundException($"{call} {path}: {Constants.Errno.Text(errno)}", path),
            Constants.Errno.EACCES or Constants.Errno.EPERM => throw new UnauthorizedAccessException($"{call} {path}: {Constants.Errno.Text(errno)}"),
            _ => new IOException($"{call} {path}: {Constants.Errno.Text(errno)}", errno),
        };
    }

    /// <summary><c>ip netns exec NS sysctl -n KEY</c></summary>
    public static string ReadIn(NetNsHandle ns, string key) => NetNs.Run(ns, () => Read(key));

    /// <summary><c>ip netns exec NS sysctl -w KEY=VALUE</c></summary>
    public static void WriteIn(NetNsHandle ns, string key, string value) => NetNs.Run(ns, () => Write(key, value));

    /// <summary>The slash form <c>net/{family}/conf/{ifName}/{knob}</c>, safe for names with dots.</summary>
    /// <param name="family">"ipv4" or "ipv6".</param>
    public static string InterfaceKey(string family, string ifName, string knob)
    {
        if (family is not ("ipv4" or "ipv6"))
            throw new ArgumentException($"family must be ipv4 or ipv6, not \"{family}\"", nameof(family));
        if (ifName.Length == 0 || ifName.Contains('/') || ifName is "." or "..")
            throw new ArgumentException($"invalid interface name \"{ifName}\"", nameof(ifName));
        return $"net/{family}/conf/{ifName}/{knob}";
    }

    /// <summary>The file behind a key, e.g. <c>/proc/sys/net/ipv4/ip_forward</c>.</summary>
    public static string PathOf(string key)
    {
        if (string.IsNullOrEmpty(key) || key[0] is '/' or '.')
            throw new ArgumentException($"invalid sysctl key \"{key}\"", nameof(key));
        string relative = key.Contains('/') ? key : key.Replace('.', '/');
        foreach (string segment in relative.Split('/'))
        {
            if (segment is "" or "." or "..")
                throw new ArgumentException($"invalid sysctl key \"{key}\"", nameof(key));
        }
        return $"{Root}/{relative}";
    }
}
