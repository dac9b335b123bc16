using System.Runtime.InteropServices;
using Tmds.Linux;

namespace CniBox.Interop;

/// <summary>An owned fd closed with close(2); -1 is invalid.</summary>
public class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle() : base(-1, ownsHandle: true)
    {
    }

    public FileDescriptorHandle(int fd, bool ownsHandle = true) : base(-1, ownsHandle) => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    /// <summary>The raw fd for libc calls and attributes such as IFLA_NET_NS_FD; valid only while this handle lives.</summary>
    public int DangerousFd => (int)handle;

    protected override bool ReleaseHandle() => LibC.close((int)handle) == 0;
}
