using CniBox.Netlink.Netfilter;
using CniBox.Netlink.Socket;
using CniBox.Spec;

namespace CniBox.Applets.Common;

/// <summary>An nf_tables operation of an applet, in the calling thread's (host) namespace.</summary>
public static class NetfilterCall
{
    /// <summary>Runs <paramref name="action"/> on a fresh handle; a kernel refusal is code 999 prefixed by <paramref name="what"/>.</summary>
    public static void Run(string what, Action<NftHandle> action) => Wrap(what, () =>
    {
        var nft = NftHandle.Open();
        try
        {
            action(nft);
        }
        finally
        {
            if (t_closeLater is { } later) later.Add(nft);
            else nft.Dispose();
        }
    });

    /// <summary>The same on the caller's handle, which stays open.</summary>
    public static void Run(NftHandle nft, string what, Action<NftHandle> action) => Wrap(what, () => action(nft));

    /// <summary>
    /// Until the returned scope is disposed, the handles <see cref="Run(string, Action{NftHandle})"/> opens on this thread
    /// stay open, and the scope closes them. Closing a netfilter socket after a commit that deleted rules waits for the
    /// RCU grace period after which the kernel frees them (~10 ms): DEL closes after its link delete, which waits for
    /// grace periods anyway, so the close finds the rules already freed.
    /// </summary>
    public static IDisposable CloseHandlesLater() => new DeferredCloses();

    private static void Wrap(string what, Action action)
    {
        try
        {
            action();
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"{what}: {e.Message}");
        }
    }

    [ThreadStatic] private static List<NftHandle>? t_closeLater;

    private sealed class DeferredCloses : IDisposable
    {
        private readonly List<NftHandle>? _outer;
        private readonly List<NftHandle> _handles = [];

        public DeferredCloses()
        {
            _outer = t_closeLater;
            t_closeLater = _handles;
        }

        public void Dispose()
        {
            t_closeLater = _outer;
            foreach (var nft in _handles) nft.Dispose();
            _handles.Clear();
        }
    }
}
