using System.Text;

namespace CniBox.Interop;

/// <summary>Strings as the NUL-terminated UTF-8 that Tmds.LibC's <c>byte*</c> path arguments take.</summary>
public static class CString
{
    public static byte[] Of(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
