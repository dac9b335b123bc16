using CniBox.Netlink.Codec;
using CniBox.Netlink.TrafficControl;

namespace CniBox.Netlink.Rtnl;

public sealed partial class RtnlHandle
{
    /// <summary>A TBF with its 1 KiB rate table does not fit the default request buffer.</summary>
    private const int TcRequestBufferSize = 2048;

    /// <summary><c>tc qdisc add dev X root handle 1: tbf ...</c></summary>
    public void AddTbf(TbfOptions tbf) =>
        Execute($"RTM_NEWQDISC #{tbf.LinkIndex} root tbf", (ref NetlinkWriter w, uint seq) => QdiscMessages.AddTbf(ref w, seq, tbf),
            TcRequestBufferSize);

    /// <summary><c>tc qdisc add dev X handle ffff: ingress</c></summary>
    public void AddIngressQdisc(int linkIndex) =>
        Execute($"RTM_NEWQDISC #{linkIndex} ingress", (ref NetlinkWriter w, uint seq) => QdiscMessages.AddIngress(ref w, seq, linkIndex));

    /// <summary><c>tc qdisc del dev X root|ingress</c> (parent TC_H_ROOT or TC_H_INGRESS); a missing one throws with IsNotFound.</summary>
    public void DeleteQdisc(int linkIndex, uint parent) =>
        Execute($"RTM_DELQDISC #{linkIndex} parent {parent:x8}", (ref NetlinkWriter w, uint seq) => QdiscMessages.Delete(ref w, seq, linkIndex, parent));

    /// <summary><c>tc qdisc show dev X</c>: the qdiscs of one link, in the kernel's order.</summary>
    public IReadOnlyList<QdiscInfo> ListQdiscs(int linkIndex) =>
        Dump("RTM_GETQDISC dump", QdiscMessages.Dump, QdiscMessages.Parse).Where(q => q.LinkIndex == linkIndex).ToList();

    /// <summary><c>tc filter add dev X parent P protocol all prio N u32 match u32 0 0 ... action mirred ...</c></summary>
    public void AddU32MatchAll(U32MatchAllOptions filter) =>
        Execute($"RTM_NEWTFILTER #{filter.LinkIndex} u32", (ref NetlinkWriter w, uint seq) => FilterMessages.AddU32MatchAll(ref w, seq, filter));
}
