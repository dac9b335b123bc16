using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CniBox.Spec.Skeleton;

/// <summary>
/// fds 0-2 as plain streams. System.Console would probe the terminal and start a signal thread on every exec,
/// which a plugin (always run with pipes) pays for on each call.
/// </summary>
public static class StandardStreams
{
    public static Stream Open(int fd, FileAccess access) =>
        new FileStream(new SafeFileHandle(fd, ownsHandle: false), access, bufferSize: 0);

    public static TextWriter Stderr { get; } =
        new StreamWriter(Open(2, FileAccess.Write), new UTF8Encoding(false)) { AutoFlush = true };
}
