using System.Collections;
using System.Runtime.InteropServices;
using CniBox.Interop;
using Tmds.Linux;

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
    // poll(2) revents that mean "go on": ready, or the other end is gone (the next write/read says how).
    private static readonly int Writable = (ushort)LibC.POLLOUT | (ushort)LibC.POLLERR | (ushort)LibC.POLLHUP;
    private static readonly int Readable = (ushort)LibC.POLLIN | (ushort)LibC.POLLERR | (ushort)LibC.POLLHUP;

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
            LibC.close(input[0]);
            LibC.close(output[1]);
            LibC.close(errors[1]);
        }
        var (stdout, stderr) = Pump(input[1], output[0], errors[0], stdin);
        return new ChildResult(Wait(pid), stdout, stderr);
    }

    private static void MakePipe(Span<int> fds)
    {
        fixed (int* p = fds)
            if (LibC.pipe2(p, LibC.O_CLOEXEC) != 0) throw Failure("pipe2");
    }

    private static int SpawnWithRetry(string path, string[] argv, string[] envp, int stdinFd, int stdoutFd, int stderrFd)
    {
        for (var attempt = 1; ; attempt++)
        {
            var error = Spawn(path, argv, envp, stdinFd, stdoutFd, stderrFd, out var pid);
            if (error == 0) return pid;
            if (error != LibC.ETXTBSY || attempt >= 5)
                throw new CniException(ErrorCode.Internal, $"failed to exec {path}: {Marshal.GetPInvokeErrorMessage(error)}");
            Thread.Sleep(1000);
        }
    }

    private static int Spawn(string path, string[] arguments, string[] envp, int stdinFd, int stdoutFd, int stderrFd, out int pid)
    {
        var actions = stackalloc byte[256];
        LibCGaps.posix_spawn_file_actions_init(actions);
        var strings = new List<IntPtr>();
        try
        {
            LibCGaps.posix_spawn_file_actions_adddup2(actions, stdinFd, 0);
            LibCGaps.posix_spawn_file_actions_adddup2(actions, stdoutFd, 1);
            LibCGaps.posix_spawn_file_actions_adddup2(actions, stderrFd, 2);
            var argv = NullTerminated(arguments, strings);
            var env = NullTerminated(envp, strings);
            var cpath = Marshal.StringToCoTaskMemUTF8(path);
            strings.Add(cpath);
            int child;
            var error = LibCGaps.posix_spawn(&child, (byte*)cpath, actions, null, argv, env);
            pid = child;
            return error;
        }
        finally
        {
            LibCGaps.posix_spawn_file_actions_destroy(actions);
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
        var fds = stackalloc pollfd[3];
        int inFd = stdinFd, outFd = stdoutFd, errFd = stderrFd;
        if (stdin.Length == 0) { LibC.close(inFd); inFd = -1; }
        while (outFd >= 0 || errFd >= 0)
        {
            fds[0] = new pollfd { fd = inFd, events = LibC.POLLOUT };
            fds[1] = new pollfd { fd = outFd, events = LibC.POLLIN };
            fds[2] = new pollfd { fd = errFd, events = LibC.POLLIN };
            if (LibCGaps.poll(fds, 3, -1) < 0)
            {
                if (LibC.errno == LibC.EINTR) continue;
                throw Failure("poll");
            }
            if (inFd >= 0 && (fds[0].revents & Writable) != 0)
            {
                fixed (byte* p = stdin)
                {
                    long n = LibC.write(inFd, p + written, stdin.Length - written);
                    var errno = n < 0 ? LibC.errno : 0;
                    if (n > 0) written += (int)n;
                    // EPIPE (the child did not read all of stdin) ends the feeding too; its exit status says the rest.
                    if (written == stdin.Length || (n < 0 && errno != LibC.EAGAIN && errno != LibC.EINTR))
                    {
                        LibC.close(inFd);
                        inFd = -1;
                    }
                }
            }
            Drain(ref outFd, fds[1].revents, stdout, buffer);
            Drain(ref errFd, fds[2].revents, stderr, buffer);
        }
        if (inFd >= 0) LibC.close(inFd);
        return (stdout.ToArray(), stderr.ToArray());
    }

    private static void Drain(ref int fd, short revents, MemoryStream sink, byte[] buffer)
    {
        if (fd < 0 || (revents & Readable) == 0) return;
        fixed (byte* p = buffer)
        {
            long n = LibC.read(fd, p, buffer.Length);
            if (n > 0) { sink.Write(buffer, 0, (int)n); return; }
            if (n < 0 && LibC.errno == LibC.EINTR) return;
        }
        LibC.close(fd);
        fd = -1;
    }

    private static int Wait(int pid)
    {
        int status;
        while (LibCGaps.waitpid(pid, &status, 0) < 0)
            if (LibC.errno != LibC.EINTR) throw Failure("waitpid");
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    private static void SetNonBlocking(int fd)
    {
        var flags = LibC.fcntl(fd, LibC.F_GETFL);
        LibC.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK);
    }

    private static CniException Failure(string call) =>
        new(ErrorCode.Internal, $"{call}: {Marshal.GetPInvokeErrorMessage(LibC.errno)}");
}
