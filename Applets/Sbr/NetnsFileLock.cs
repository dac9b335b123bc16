using CniBox.Interop;
using CniBox.Netlink.Namespaces;
using CniBox.Spec;
using Tmds.Linux;

namespace CniBox.Applets.Sbr;

/// <summary>
/// Go's sbr serialises on the container's netns file with go-filemutex (flock LOCK_EX); ours takes the same flock
/// on the fd it already holds on that file, so a Go sbr and ours exclude each other too. Released on Dispose.
/// </summary>
public sealed class NetnsFileLock : IDisposable
{
    private readonly NetNsHandle _ns;

    private NetnsFileLock(NetNsHandle ns) => _ns = ns;

    public static NetnsFileLock Take(NetNsHandle ns)
    {
        while (LibCGaps.flock(ns.DangerousFd, LibCGaps.LOCK_EX) != 0)
        {
            int errno = LibC.errno;
            if (errno != LibC.EINTR)
                throw new CniException(ErrorCode.Internal, $"failed to lock netns \"{ns.Path}\": flock: errno {errno}");
        }
        return new NetnsFileLock(ns);
    }

    public void Dispose() => LibCGaps.flock(_ns.DangerousFd, LibCGaps.LOCK_UN);
}
