using System.Runtime.ExceptionServices;
using Tmds.Linux;

namespace CniBox.Netlink.Namespaces;

/// <summary>Thread-bound namespace work. Nothing here awaits while switched.</summary>
public static class NetNs
{
    public const string CurrentThreadPath = "/proc/thread-self/ns/net";

    /// <summary>The calling thread's network namespace.</summary>
    public static NetNsHandle Current() => NetNsHandle.Open(CurrentThreadPath);

    /// <summary>True when <paramref name="path"/> is the calling thread's own netns; false when it cannot be opened as one.</summary>
    public static bool IsCurrent(string path)
    {
        NetNsHandle target;
        try
        {
            target = NetNsHandle.Open(path);
        }
        catch (NetNsException)
        {
            return false;
        }
        using var _ = target;
        using NetNsHandle current = Current();
        return target.IsSameNamespace(current);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a new dedicated thread switched into <paramref name="target"/>
    /// (setns CLONE_NEWNET), then switches back. The thread always ends afterwards, so a failed
    /// restore cannot leak a thread living in the wrong namespace into a pool. Exceptions from
    /// <paramref name="work"/> are rethrown on the caller with their original stack.
    /// </summary>
    public static T Run<T>(NetNsHandle target, Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = Switched(target, work, mustRestore: false);
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }, maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = "cnibox-netns",
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>
    /// Runs a short synchronous <paramref name="work"/> (such as opening a socket) on the calling thread
    /// switched into <paramref name="target"/>, then switches back. Costs two setns calls instead of a
    /// thread (~250 us per exec). If the way back fails the process ends at once: continuing would act
    /// on the wrong namespace.
    /// </summary>
    public static T RunBriefly<T>(NetNsHandle target, Func<T> work) => Switched(target, work, mustRestore: true);

    public static void Run(NetNsHandle target, Action work) =>
        Run(target, () =>
        {
            work();
            return true;
        });

    /// <summary>
    /// setns into <paramref name="target"/>, run, setns back. When the way back fails: a thread that must go on
    /// (<paramref name="mustRestore"/>) ends the process; a dedicated thread that is about to end ignores it.
    /// </summary>
    private static T Switched<T>(NetNsHandle target, Func<T> work, bool mustRestore)
    {
        using NetNsHandle original = Current();
        if (LibC.setns(target.DangerousFd, LibC.CLONE_NEWNET) != 0)
            throw NetNsException.FromErrno(target.Path, LibC.errno, "setns");
        try
        {
            return work();
        }
        finally
        {
            if (LibC.setns(original.DangerousFd, LibC.CLONE_NEWNET) != 0 && mustRestore)
                Environment.FailFast($"cnibox: cannot return to the original network namespace (errno {LibC.errno})");
        }
    }
}
