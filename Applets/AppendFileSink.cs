using System.Text;
using CniBox.Interop;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Tmds.Linux;

namespace CniBox.Applets;

/// <summary>
/// Log events appended to CNIBOX_LOG_FILE with O_APPEND, one write(2) per event. Runtimes run plugins concurrently
/// (containerd sets up loopback and eth0 in parallel, kubelet starts pods in parallel) and all of them append to the
/// same file: the kernel then places each write at the end of the file as one piece. Serilog's shared file sink
/// seeks to the end and writes under a named mutex that does not exclude other NativeAOT processes, so two plugins
/// wrote at the same offset and lines were lost or cut. A file that cannot be opened disables this sink only.
/// </summary>
public sealed class AppendFileSink : ILogEventSink, IDisposable
{
    private const ushort ReadWriteForOwnerReadForOthers = 0b110_100_100; // 0644

    private readonly ITextFormatter _formatter;
    private readonly FileDescriptorHandle? _fd;
    private readonly Lock _writing = new();

    public unsafe AppendFileSink(string path, ITextFormatter formatter)
    {
        _formatter = formatter;
        try
        {
            if (Path.GetDirectoryName(path) is { Length: > 0 } directory) Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // open(2) below fails too and disables the sink.
        }
        int fd;
        fixed (byte* p = CString.Of(path))
            fd = LibC.open(p, LibC.O_WRONLY | LibC.O_APPEND | LibC.O_CREAT | LibC.O_CLOEXEC, ReadWriteForOwnerReadForOthers);
        if (fd >= 0) _fd = new FileDescriptorHandle(fd);
    }

    public void Emit(LogEvent logEvent)
    {
        if (_fd is null) return;
        var text = new StringWriter();
        _formatter.Format(logEvent, text);
        Append(Encoding.UTF8.GetBytes(text.ToString()));
    }

    public void Dispose() => _fd?.Dispose();

    private unsafe void Append(byte[] bytes)
    {
        lock (_writing)
        {
            fixed (byte* p = bytes)
            {
                var done = 0;
                while (done < bytes.Length)
                {
                    long n = LibC.write(_fd!.DangerousFd, p + done, bytes.Length - done);
                    if (n < 0 && LibC.errno == LibC.EINTR) continue;
                    if (n <= 0) return;
                    done += (int)n;
                }
            }
        }
    }
}
