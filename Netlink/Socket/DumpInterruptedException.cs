namespace CniBox.Netlink.Socket;

/// <summary>
/// A dump reply carried NLM_F_DUMP_INTR: the table changed while the kernel walked it, so the
/// data may be inconsistent. The whole dump was drained first, so the socket stays usable.
/// </summary>
public sealed class DumpInterruptedException : NetlinkException
{
    public DumpInterruptedException(string operation)
        : base(Constants.Errno.EINTR, operation, "dump interrupted by a concurrent change, results may be inconsistent")
    {
    }
}
