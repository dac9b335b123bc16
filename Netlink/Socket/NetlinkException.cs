using CniBox.Netlink.Constants;

namespace CniBox.Netlink.Socket;

/// <summary>
/// A kernel or syscall error. Message: <c>netlink: RTM_NEWLINK lo: operation not permitted (EPERM: ext-ack text)</c>;
/// the parenthesis holds the errno name, followed by the kernel's extended-ack text when it sent one.
/// </summary>
public class NetlinkException : Exception
{
    public NetlinkException(int errno, string operation, string? extAckMessage)
        : base(Format(errno, operation, extAckMessage))
    {
        Errno = errno;
        Operation = operation;
        ExtAckMessage = extAckMessage;
    }

    /// <summary>Positive errno, e.g. 19 for ENODEV.</summary>
    public int Errno { get; }

    public string Operation { get; }

    public string? ExtAckMessage { get; }

    /// <summary>ENOENT, ENODEV, ESRCH: what DEL treats as "already gone".</summary>
    public bool IsNotFound => Errno is Constants.Errno.ENOENT or Constants.Errno.ENODEV or Constants.Errno.ESRCH;

    private static string Format(int errno, string operation, string? extAck) =>
        string.IsNullOrEmpty(extAck)
            ? $"netlink: {operation}: {Constants.Errno.Text(errno)} ({Constants.Errno.Name(errno)})"
            : $"netlink: {operation}: {Constants.Errno.Text(errno)} ({Constants.Errno.Name(errno)}: {extAck})";
}
