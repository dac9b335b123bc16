using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace CniBox.Spec.Skeleton;

/// <summary>
/// fds 0-2 as plain streams. System.Console would probe the terminal and start a signal thread on every exec,
/// which a plugin (always run with pipes) pays for on each call.
/// </summary>
public static class StandardStreams
{
    /// <summary>
    /// Reads go through FileStream; writes through write(2) at the fd's shared offset, because FileStream on a
    /// seekable fd writes at its own offset from 0 (pwrite) and would overwrite what others wrote to the same file
    /// (<c>cnitool add &gt;&gt; log</c>, <c>2&gt;&amp;1</c> into a file).
    /// </summary>
    public static Stream Open(int fd, FileAccess access) => access == FileAccess.Write
        ? new FdWriteStream(fd)
        : new FileStream(new SafeFileHandle(fd, ownsHandle: false), access, bufferSize: 0);

    public static TextWriter Stderr { get; } = Writer(2);

    /// <summary>
    /// UTF-8 text to fd 1 or 2, flushed on every write. Also for the front door: System.Console would read terminfo,
    /// and with HOME unset look the user up in NSS (getpwuid_r), which may dlopen libnss_systemd into the static binary.
    /// </summary>
    public static TextWriter Writer(int fd) =>
        new StreamWriter(Open(fd, FileAccess.Write), new UTF8Encoding(false)) { AutoFlush = true };

    private sealed class FdWriteStream(int fd) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override unsafe void Write(ReadOnlySpan<byte> buffer)
        {
            fixed (byte* p = buffer)
            {
                var done = 0;
                while (done < buffer.Length)
                {
                    long n = LibC.write(fd, p + done, buffer.Length - done);
                    if (n < 0)
                    {
                        var errno = LibC.errno;
                        if (errno == LibC.EINTR) continue;
                        throw new IOException($"write to fd {fd} failed: errno {errno}", errno);
                    }
                    done += (int)n;
                }
            }
        }
    }
}
