using System.Runtime.InteropServices;
using CniBox.Netlink.Codec;
using static CniBox.Netlink.Constants.Nl;

namespace CniBox.Netlink.Socket;

/// <summary>Decodes the status carried by NLMSG_ERROR (ACK when 0) and NLMSG_DONE.</summary>
public static class NetlinkError
{
    /// <summary>
    /// Returns the positive errno (0 for success) and the NLMSGERR_ATTR_MSG text when present.
    /// For NLMSG_ERROR the TLVs follow struct nlmsgerr and, unless NLM_F_CAPPED, the echoed request;
    /// for NLMSG_DONE they follow the int status.
    /// </summary>
    public static int Read(in NetlinkMessage message, out string? extAckMessage)
    {
        extAckMessage = null;
        ReadOnlySpan<byte> payload = message.Payload;
        if (payload.Length < 4)
            return 0;
        int error = MemoryMarshal.Read<int>(payload);
        if (error >= 0)
            return 0;
        int offset = TlvOffset(message);
        if (offset >= 0 && offset <= payload.Length)
        {
            foreach (NetlinkAttribute a in new AttributeReader(payload[offset..]))
                if (a.Type == NLMSGERR_ATTR_MSG)
                    extAckMessage = a.GetString();
        }
        return -error;
    }

    private static int TlvOffset(in NetlinkMessage m)
    {
        if ((m.Flags & NLM_F_ACK_TLVS) == 0)
            return -1;
        if (m.Type == NLMSG_DONE)
            return 4;
        if ((m.Flags & NLM_F_CAPPED) != 0)
            return NLMSGERR_SIZE;
        if (m.Payload.Length < NLMSGERR_SIZE)
            return -1;
        uint echoed = MemoryMarshal.Read<uint>(m.Payload[4..]);
        return 4 + Align((int)Math.Min(echoed, (uint)m.Payload.Length));
    }
}
