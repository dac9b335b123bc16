using System.Net.Sockets;

namespace CniBox.Ipam.Dhcp.Rpc;

/// <summary>Reading one newline-terminated message from a stream socket, bounded in size.</summary>
public static class LineSocket
{
    public const int MaxLine = 1 << 20;

    /// <summary>The bytes before the first newline; null when the peer closed first or the line is too long.</summary>
    public static async Task<byte[]?> ReadLineAsync(Socket socket, CancellationToken cancel)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        while (buffer.Length <= MaxLine)
        {
            int n = await socket.ReceiveAsync(chunk, SocketFlags.None, cancel);
            if (n == 0) return null;
            int newline = Array.IndexOf(chunk, (byte)'\n', 0, n);
            buffer.Write(chunk, 0, newline >= 0 ? newline : n);
            if (newline >= 0) return buffer.ToArray();
        }
        return null;
    }

    public static async Task WriteAllAsync(Socket socket, byte[] data, CancellationToken cancel)
    {
        for (int sent = 0; sent < data.Length;)
            sent += await socket.SendAsync(data.AsMemory(sent), SocketFlags.None, cancel);
    }
}
