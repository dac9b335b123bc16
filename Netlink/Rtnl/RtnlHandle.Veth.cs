using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Socket;
using static CniBox.Netlink.Constants.Errno;

namespace CniBox.Netlink.Rtnl;

public sealed partial class RtnlHandle
{
    /// <summary>How many random host names <see cref="AddVethPair(VethOptions, NetNsHandle)"/> tries, as the Go plugins' makeVeth does.</summary>
    private const int VethNameAttempts = 10;

    /// <summary>
    /// <c>ip link add NAME [mtu M] [address A] type veth peer name PEER [address A] netns NS</c>, the CNI veth setup
    /// (pkg/ip SetupVeth): called on the container namespace's handle, creates <see cref="VethOptions.Name"/> here
    /// and its peer straight in <paramref name="hostNamespace"/> (by fd). Without <see cref="VethOptions.PeerName"/>
    /// the peer is <c>veth</c> + 8 random hex digits, retried up to <see cref="VethNameAttempts"/> times while only
    /// the host name collides.
    /// </summary>
    /// <exception cref="LinkNameExistsException">
    /// The name exists here ("container veth name provided (eth0) already exists"), or the given peer name exists
    /// in the host namespace.
    /// </exception>
    public VethPair AddVethPair(VethOptions veth, NetNsHandle hostNamespace) =>
        AddVethPair(veth, hostNamespace, RandomVethName);

    /// <summary><c>veth</c> + 8 lower-case hex digits from 4 random bytes, like pkg/ip RandomVethName.</summary>
    // Random.Shared, not RandomNumberGenerator: the latter dlopens OpenSSL (and with it a second libc) in the static binary.
    private static string RandomVethName() => "veth" + Random.Shared.NextInt64(0, 1L << 32).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    internal VethPair AddVethPair(VethOptions veth, NetNsHandle hostNamespace, Func<string> randomName)
    {
        NetlinkException? last = null;
        for (int attempt = 0; attempt < VethNameAttempts; attempt++)
        {
            var named = veth.PeerName is null ? veth with { PeerName = randomName() } : veth;
            try
            {
                AddVeth(named, hostNamespace);
            }
            catch (NetlinkException e) when (e.Errno == EEXIST)
            {
                // The kernel says EEXIST for either end. The container end lives here, so look there.
                if (GetLink(veth.Name) is not null)
                    throw new LinkNameExistsException(veth.Name, containerSide: true, e);
                if (veth.PeerName is not null)
                    throw new LinkNameExistsException(veth.PeerName, containerSide: false, e);
                last = e;
                continue;
            }
            LinkInfo container = GetLink(veth.Name)
                ?? throw new NetlinkException(ENODEV, $"RTM_GETLINK {veth.Name}", "veth vanished right after it was created");
            return new VethPair(container, named.PeerName!);
        }
        throw new NetlinkException(EEXIST, $"RTM_NEWLINK {veth.Name} type veth",
            $"failed to find a unique veth name after {VethNameAttempts} attempts ({last?.ExtAckMessage ?? "file exists"})");
    }

    /// <summary>One RTM_NEWLINK for a pair whose peer name is known; EEXIST (either name taken) propagates.</summary>
    private void AddVeth(VethOptions veth, NetNsHandle peerNamespace)
    {
        bool added = false;
        peerNamespace.DangerousAddRef(ref added);
        try
        {
            int fd = peerNamespace.DangerousFd;
            Execute($"RTM_NEWLINK {veth.Name} type veth peer {veth.PeerName}",
                (ref NetlinkWriter w, uint seq) => LinkMessages.AddVeth(ref w, seq, veth, fd));
        }
        finally
        {
            if (added)
                peerNamespace.DangerousRelease();
        }
    }
}
