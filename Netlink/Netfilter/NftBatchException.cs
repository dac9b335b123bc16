using CniBox.Netlink.Socket;

namespace CniBox.Netlink.Netfilter;

/// <summary>
/// The kernel rejected an nf_tables batch; nothing of it took effect. <see cref="FailedMessage"/> names the
/// first message it refused (e.g. <c>add rule inet t c comment "x"</c>) or <c>batch</c> for a batch-level refusal
/// such as EPERM without CAP_NET_ADMIN. Message:
/// <c>netlink: nf_tables batch, message 3 of 5 (add chain ...): no such file or directory (ENOENT: ext-ack)</c>.
/// </summary>
public sealed class NftBatchException : NetlinkException
{
    public NftBatchException(int errno, string operation, string? extAck, string failedMessage, int failedIndex)
        : base(errno, operation, extAck)
    {
        FailedMessage = failedMessage;
        FailedIndex = failedIndex;
    }

    /// <summary>The description of the refused message, or "batch".</summary>
    public string FailedMessage { get; }

    /// <summary>Zero-based index of the refused message in the batch; -1 for a batch-level refusal.</summary>
    public int FailedIndex { get; }
}
