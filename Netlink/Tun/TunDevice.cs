using System.Text;
using CniBox.Interop;
using CniBox.Netlink.Constants;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using Tmds.Linux;

namespace CniBox.Netlink.Tun;

/// <summary>
/// Tap devices through /dev/net/tun (linux/if_tun.h), the kernel interface <c>ip tuntap</c> uses. The device
/// belongs to the netns the tun file was opened in, so the open happens switched into the target netns.
/// </summary>
public static unsafe class TunDevice
{
    public const string TunPath = "/dev/net/tun";

    public const short IFF_TAP = 0x0002, IFF_MULTI_QUEUE = 0x0100, IFF_NO_PI = 0x1000, IFF_VNET_HDR = 0x4000;

    /// <summary>_IOW('T', 202..206, int).</summary>
    public const int TUNSETIFF = 0x400454ca, TUNSETPERSIST = 0x400454cb, TUNSETOWNER = 0x400454cc, TUNSETGROUP = 0x400454ce;

    /// <summary>sizeof(struct ifreq) on 64-bit Linux: ifr_name[16], then the union (ifr_flags at offset 16).</summary>
    private const int IfReqSize = 40;

    /// <summary>The TUNSETIFF flags a tap gets: IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, plus IFF_MULTI_QUEUE when asked.</summary>
    public static short Flags(TapOptions tap) =>
        (short)(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | (tap.MultiQueue ? IFF_MULTI_QUEUE : 0));

    /// <summary>The struct ifreq TUNSETIFF takes: the name NUL-padded to 16 bytes, the flags, zeros.</summary>
    public static byte[] IfReq(string name, short flags)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length > LinkMessages.MaxNameBytes)
            throw new ArgumentException($"interface name \"{name}\" is longer than {LinkMessages.MaxNameBytes} bytes", nameof(name));
        var ifreq = new byte[IfReqSize];
        bytes.CopyTo(ifreq, 0);
        BitConverter.TryWriteBytes(ifreq.AsSpan(16), flags);
        return ifreq;
    }

    /// <summary>
    /// Creates the persistent tap in <paramref name="ns"/>: TUNSETIFF, TUNSETOWNER / TUNSETGROUP when given,
    /// TUNSETPERSIST 1, then closes the file (the device stays, down). A failure after TUNSETIFF leaves nothing:
    /// the device is not persistent yet and goes with the file.
    /// </summary>
    /// <exception cref="TunException">The open or an ioctl failed (<see cref="TunException.KernelLacksTun"/>: no tun driver).</exception>
    public static void CreatePersistentTap(NetNsHandle ns, TapOptions tap)
    {
        using var tun = NetNs.RunBriefly(ns, OpenTun);
        var ifreq = IfReq(tap.Name, Flags(tap));
        fixed (byte* p = ifreq)
            Ioctl(tun, TUNSETIFF, (nint)p, $"TUNSETIFF {tap.Name}");
        if (tap.Owner is { } uid) Ioctl(tun, TUNSETOWNER, (nint)uid, $"TUNSETOWNER {uid}");
        if (tap.Group is { } gid) Ioctl(tun, TUNSETGROUP, (nint)gid, $"TUNSETGROUP {gid}");
        Ioctl(tun, TUNSETPERSIST, 1, "TUNSETPERSIST 1");
    }

    private static FileDescriptorHandle OpenTun()
    {
        int fd;
        fixed (byte* p = CString.Of(TunPath))
            fd = LibC.open(p, LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        if (fd >= 0) return new FileDescriptorHandle(fd, ownsHandle: true);
        int errno = LibC.errno;
        throw new TunException($"open {TunPath}", errno) { KernelLacksTun = errno is Errno.ENOENT or Errno.ENODEV };
    }

    private static void Ioctl(FileDescriptorHandle tun, int request, nint argument, string what)
    {
        if (LibC.ioctl(tun.DangerousFd, request, (void*)argument) != 0)
            throw new TunException(what, LibC.errno);
    }
}

/// <summary>A tun ioctl or open failed; <see cref="Errno"/> is the kernel's answer.</summary>
public sealed class TunException(string operation, int errno)
    : Exception($"{operation}: {Constants.Errno.Text(errno)} ({Constants.Errno.Name(errno)})")
{
    public int Errno { get; } = errno;

    /// <summary>/dev/net/tun is missing or has no driver behind it (CONFIG_TUN off, module not loaded).</summary>
    public bool KernelLacksTun { get; init; }
}
