using System.Runtime.InteropServices;

namespace CniBox.Netlink;

/// <summary>An owned fd closed with close(2); -1 is invalid.</summary>
public class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle() : base(-1, ownsHandle: true)
    {
    }

    public FileDescriptorHandle(int fd, bool ownsHandle) : base(-1, ownsHandle) => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    /// <summary>The raw fd, for attributes such as IFLA_NET_NS_FD; valid only while this handle lives.</summary>
    public int DangerousFd => (int)handle;

    protected override bool ReleaseHandle() => Native.Close((int)handle) == 0;
}
