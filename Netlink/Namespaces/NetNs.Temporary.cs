using Tmds.Linux;

namespace CniBox.Netlink.Namespaces;

public static partial class NetNs
{
    /// <summary>
    /// A new, empty network namespace that lives as long as the returned handle: a dedicated thread unshares
    /// CLONE_NEWNET, opens its own netns file and ends. Nothing names it, so nothing else can find it; when the
    /// handle closes the kernel destroys it (virtual links left inside go with it, physical ones return to the
    /// initial netns), so callers move everything out first.
    /// </summary>
    public static NetNsHandle CreateTemporary()
    {
        NetNsHandle? created = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (LibC.unshare(LibC.CLONE_NEWNET) != 0)
                    throw NetNsException.FromErrno("temporary netns", LibC.errno, "unshare(CLONE_NEWNET)");
                created = Current();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = "cnibox-tempns",
        };
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        return created!;
    }
}
