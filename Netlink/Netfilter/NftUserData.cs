using System.Text;
using static CniBox.Netlink.Constants.Nft;

namespace CniBox.Netlink.Netfilter;

/// <summary>
/// libnftnl's user-data TLVs in NFTA_{TABLE,CHAIN,RULE}_USERDATA: u8 type, u8 length, value. Type 0 is the
/// comment in all three, a NUL-terminated string; that is what makes <c>nft list</c> show <c>comment "..."</c>.
/// </summary>
public static class NftUserData
{
    /// <summary>Longest comment that fits one TLV (length byte 255, NUL included).</summary>
    public const int MaxCommentBytes = 254;

    public static byte[] Comment(string comment)
    {
        int length = Encoding.UTF8.GetByteCount(comment);
        if (length > MaxCommentBytes)
            throw new ArgumentException($"nft comment of {length} bytes exceeds {MaxCommentBytes}", nameof(comment));
        if (comment.Contains('\0'))
            throw new ArgumentException("nft comment contains a NUL character", nameof(comment));
        byte[] tlv = new byte[2 + length + 1];
        tlv[0] = NFTNL_UDATA_COMMENT;
        tlv[1] = (byte)(length + 1);
        Encoding.UTF8.GetBytes(comment, tlv.AsSpan(2));
        return tlv;
    }

    /// <summary>The comment TLV's text, or null when there is none or the TLVs are malformed.</summary>
    public static string? ReadComment(ReadOnlySpan<byte> userData)
    {
        while (userData.Length >= 2)
        {
            byte type = userData[0];
            int length = userData[1];
            if (2 + length > userData.Length)
                return null;
            ReadOnlySpan<byte> value = userData.Slice(2, length);
            if (type == NFTNL_UDATA_COMMENT)
            {
                int nul = value.IndexOf((byte)0);
                return Encoding.UTF8.GetString(nul < 0 ? value : value[..nul]);
            }
            userData = userData[(2 + length)..];
        }
        return null;
    }
}
