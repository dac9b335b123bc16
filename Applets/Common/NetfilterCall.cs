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
        using var nft = NftHandle.Open();
        action(nft);
    });

    /// <summary>The same on the caller's handle, which stays open.</summary>
    public static void Run(NftHandle nft, string what, Action<NftHandle> action) => Wrap(what, () => action(nft));

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
}
