using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;

namespace CniBox.Netlink.Rtnl;

public sealed partial class RtnlHandle
{
    /// <summary>
    /// <c>ip link set dev X netns NS name NEW</c>: moves the link and renames it on the way, in one request. A name
    /// taken in <paramref name="ns"/> fails it (EEXIST) with the link left where and as it was.
    /// </summary>
    public void MoveLink(int index, NetNsHandle ns, string newName)
    {
        bool added = false;
        ns.DangerousAddRef(ref added);
        try
        {
            int fd = ns.DangerousFd;
            Execute($"RTM_NEWLINK #{index} netns {ns.Path} name {newName}",
                (ref NetlinkWriter w, uint seq) => LinkMessages.SetNamespaceFdAndName(ref w, seq, index, fd, newName));
        }
        finally
        {
            if (added)
                ns.DangerousRelease();
        }
    }
}
