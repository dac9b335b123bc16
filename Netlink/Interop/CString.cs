using System.Text;

namespace CniBox.Interop;

/// <summary>Strings as the NUL-terminated UTF-8 that Tmds.LibC's <c>byte*</c> path arguments take.</summary>
public static class CString
{
    /// <summary>A NUL inside <paramref name="text"/> is refused: the kernel would read a shorter path, another file.</summary>
    public static byte[] Of(string text)
    {
        if (text.Contains('\0'))
            throw new ArgumentException($"\"{text.Replace("\0", "\\x00", StringComparison.Ordinal)}\": invalid argument (a NUL byte in a path)");
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
