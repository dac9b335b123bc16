using System.Collections;
using System.Runtime.InteropServices;
using System.Text;

namespace CniBox.Spec.Invoke;

/// <summary>What a child printed and how it ended.</summary>
public sealed record ChildResult(int ExitCode, byte[] Stdout, byte[] Stderr);

/// <summary>
/// Runs a program with posix_spawn, feeds its stdin and collects stdout/stderr with poll. System.Diagnostics.Process
/// is not used: in the statically linked binary its vfork path corrupted the parent's memory after the first exec.
/// glibc's posix_spawn runs the child on its own stack (clone with CLONE_VFORK), which is safe here.
/// </summary>
public static unsafe class ChildProcess
{
    private const int TextFileBusy = 26, Interrupted = 4, WouldBlock = 11, BrokenPipe = 32;
    private const int OCloexec = 0x80000, ONonblock = 0x800, FSetfl = 4, FGetfl = 3;
    private const short PollIn = 1, PollOut = 4, PollErr = 8, PollHup = 16;

    public static ChildResult Run(string path, IReadOnlyDictionary<string, string> environmentOverrides, byte[] stdin,
        IReadOnlyList<string>? arguments = null)
    {
        Span<int> input = stackalloc int[2], output = stackalloc int[2], errors = stackalloc int[2];
        MakePipe(input);
        MakePipe(output);
        MakePipe(errors);
        int pid;
        try
        {
            pid = SpawnWithRetry(path, [path, .. arguments ?? []], Environment(environmentOverrides), input[0], output[1], errors[1]);
        }
        finally
        {
            close(input[0]);
            close(output[1]);
            close(errors[1]);
        }
        var (stdout, stderr) = Pump(input[1], output[0], errors[0], stdin);
        return new ChildResult(Wait(pid), stdout, stderr);
    }

    private static void MakePipe(Span<int> fds)
    {
        fixed (int* p = fds)
            if (pipe2(p, OCloexec) != 0) throw Failure("pipe2");
    }

    private static int SpawnWithRetry(string path, string[] argv, string[] envp, int stdinFd, int stdoutFd, int stderrFd)
    {
        for (var attempt = 1; ; attempt++)
        {
            var error = Spawn(path, argv, envp, stdinFd, stdoutFd, stderrFd, out var pid);
            if (error == 0) return pid;
            if (error != TextFileBusy || attempt >= 5)
                throw new CniException(ErrorCode.Internal, $"failed to exec {path}: {Marshal.GetPInvokeErrorMessage(error)}");
            Thread.Sleep(1000);
        }
    }

    private static int Spawn(string path, string[] arguments, string[] envp, int stdinFd, int stdoutFd, int stderrFd, out int pid)
    {
        var actions = stackalloc byte[256];
        posix_spawn_file_actions_init(actions);
        var strings = new List<IntPtr>();
        try
        {
            posix_spawn_file_actions_adddup2(actions, stdinFd, 0);
            posix_spawn_file_actions_adddup2(actions, stdoutFd, 1);
            posix_spawn_file_actions_adddup2(actions, stderrFd, 2);
            var argv = NullTerminated(arguments, strings);
            var env = NullTerminated(envp, strings);
            var cpath = Marshal.StringToCoTaskMemUTF8(path);
            strings.Add(cpath);
            int child;
            var error = posix_spawn(&child, (byte*)cpath, actions, null, argv, env);
            pid = child;
            return error;
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            foreach (var s in strings) Marshal.FreeCoTaskMem(s);
        }
    }

    private static byte** NullTerminated(string[] items, List<IntPtr> owned)
    {
        var array = (byte**)Marshal.AllocCoTaskMem(sizeof(IntPtr) * (items.Length + 1));
        owned.Add((IntPtr)array);
        for (var i = 0; i < items.Length; i++)
        {
            var s = Marshal.StringToCoTaskMemUTF8(items[i]);
            owned.Add(s);
            array[i] = (byte*)s;
        }
        array[items.Length] = null;
        return array;
    }

    /// <summary>The caller's environment with the overrides winning, as libcni's invoke does.</summary>
    private static string[] Environment(IReadOnlyDictionary<string, string> overrides)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            merged[(string)e.Key] = (string?)e.Value ?? "";
        foreach (var (k, v) in overrides) merged[k] = v;
        return merged.Select(kv => $"{kv.Key}={kv.Value}").ToArray();
    }

    /// <summary>Writes stdin and drains stdout/stderr together so neither side can block the other.</summary>
    private static (byte[] Stdout, byte[] Stderr) Pump(int stdinFd, int stdoutFd, int stderrFd, byte[] stdin)
    {
        SetNonBlocking(stdinFd);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var buffer = new byte[16384];
        var written = 0;
        var fds = stackalloc PollFd[3];
        int inFd = stdinFd, outFd = stdoutFd, errFd = stderrFd;
        if (stdin.Length == 0) { close(inFd); inFd = -1; }
        while (outFd >= 0 || errFd >= 0)
        {
            fds[0] = new PollFd { Fd = inFd, Events = PollOut };
            fds[1] = new PollFd { Fd = outFd, Events = PollIn };
            fds[2] = new PollFd { Fd = errFd, Events = PollIn };
            if (poll(fds, 3, -1) < 0)
            {
                if (Marshal.GetLastPInvokeError() == Interrupted) continue;
                throw Failure("poll");
            }
            if (inFd >= 0 && (fds[0].Revents & (PollOut | PollErr | PollHup)) != 0)
            {
                fixed (byte* p = stdin)
                {
                    var n = write(inFd, p + written, (nint)(stdin.Length - written));
                    var errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                    if (n > 0) written += (int)n;
                    if (written == stdin.Length || (n < 0 && errno != WouldBlock && errno != Interrupted))
                    {
                        close(inFd);
                        inFd = -1;
                        _ = errno == BrokenPipe; // the child did not read all of stdin; its exit status says the rest
                    }
                }
            }
            Drain(ref outFd, fds[1].Revents, stdout, buffer);
            Drain(ref errFd, fds[2].Revents, stderr, buffer);
        }
        if (inFd >= 0) close(inFd);
        return (stdout.ToArray(), stderr.ToArray());
    }

    private static void Drain(ref int fd, short revents, MemoryStream sink, byte[] buffer)
    {
        if (fd < 0 || (revents & (PollIn | PollErr | PollHup)) == 0) return;
        fixed (byte* p = buffer)
        {
            var n = read(fd, p, buffer.Length);
            if (n > 0) { sink.Write(buffer, 0, (int)n); return; }
            if (n < 0 && Marshal.GetLastPInvokeError() == Interrupted) return;
        }
        close(fd);
        fd = -1;
    }

    private static int Wait(int pid)
    {
        int status;
        while (waitpid(pid, &status, 0) < 0)
            if (Marshal.GetLastPInvokeError() != Interrupted) throw Failure("waitpid");
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    private static void SetNonBlocking(int fd)
    {
        var flags = fcntl(fd, FGetfl, 0);
        fcntl(fd, FSetfl, flags | ONonblock);
    }

    private static CniException Failure(string call) =>
        new(ErrorCode.Internal, $"{call}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    private const string Libc = "libc.so.6";
    [DllImport(Libc, SetLastError = true)] private static extern int pipe2(int* fds, int flags);
    [DllImport(Libc, SetLastError = true)] private static extern int close(int fd);
    [DllImport(Libc, SetLastError = true)] private static extern nint read(int fd, byte* buf, nint count);
    [DllImport(Libc, SetLastError = true)] private static extern nint write(int fd, byte* buf, nint count);
    [DllImport(Libc, SetLastError = true)] private static extern int poll(PollFd* fds, ulong nfds, int timeout);
    [DllImport(Libc, SetLastError = true)] private static extern int fcntl(int fd, int cmd, int arg);
    [DllImport(Libc, SetLastError = true)] private static extern int waitpid(int pid, int* status, int options);
    [DllImport(Libc)] private static extern int posix_spawn_file_actions_init(byte* actions);
    [DllImport(Libc)] private static extern int posix_spawn_file_actions_destroy(byte* actions);
    [DllImport(Libc)] private static extern int posix_spawn_file_actions_adddup2(byte* actions, int fd, int newFd);
    [DllImport(Libc)] private static extern int posix_spawn(int* pid, byte* path, byte* actions, void* attr, byte** argv, byte** envp);
}
