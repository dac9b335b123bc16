using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Socket;
using static CniBox.Netlink.Constants.Errno;

namespace CniBox.Netlink.Rtnl;

public sealed partial class RtnlHandle
{
    /// <summary>How many random host names <see cref="AddVethPair"/> tries, as the Go plugins' makeVeth does.</summary>
    public const int VethNameAttempts = 10;

    /// <summary>
    /// <c>ip link add NAME [mtu M] [address A] type veth peer name PEER [mtu M] [address A] netns NS</c>: creates
    /// the pair in this handle's namespace and places the peer straight into <paramref name="peerNamespace"/> by fd.
    /// EEXIST (either name taken) propagates as a <see cref="NetlinkException"/>.
    /// </summary>
    public void AddVeth(string name, string peerName, NetNsHandle peerNamespace, int mtu = 0, string? mac = null, string? peerMac = null)
    {
        bool added = false;
        peerNamespace.DangerousAddRef(ref added);
        try
        {
            int fd = peerNamespace.DangerousFd;
            Execute($"RTM_NEWLINK {name} type veth peer {peerName}",
                (ref NetlinkWriter w, uint seq) => LinkMessages.AddVeth(ref w, seq, name, peerName, fd, mtu, mac, peerMac));
        }
        finally
        {
            if (added)
                peerNamespace.DangerousRelease();
        }
    }

    /// <summary>
    /// The CNI veth setup (pkg/ip SetupVeth): called on the container namespace's handle, creates
    /// <paramref name="name"/> here and its peer in <paramref name="hostNamespace"/>. Without
    /// <paramref name="hostName"/> the peer is <c>veth</c> + 8 random hex digits, retried up to
    /// <see cref="VethNameAttempts"/> times while only the host name collides.
    /// </summary>
    /// <exception cref="LinkNameExistsException">
    /// <paramref name="name"/> exists here ("container veth name provided (eth0) already exists"), or the given
    /// <paramref name="hostName"/> exists in the host namespace.
    /// </exception>
    public VethPair AddVethPair(string name, NetNsHandle hostNamespace, int mtu = 0, string? mac = null, string? hostName = null) =>
        AddVethPair(name, hostNamespace, mtu, mac, hostName, RandomVethName);

    /// <summary><c>veth</c> + 8 lower-case hex digits from 4 random bytes, like pkg/ip RandomVethName.</summary>
    // Random.Shared, not RandomNumberGenerator: the latter dlopens OpenSSL (and with it a second libc) in the static binary.
    public static string RandomVethName() => "veth" + Random.Shared.NextInt64(0, 1L << 32).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    internal VethPair AddVethPair(string name, NetNsHandle hostNamespace, int mtu, string? mac, string? hostName, Func<string> randomName)
    {
        NetlinkException? last = null;
        for (int attempt = 0; attempt < VethNameAttempts; attempt++)
        {
            string peer = hostName ?? randomName();
            try
            {
                AddVeth(name, peer, hostNamespace, mtu, mac);
            }
            catch (NetlinkException e) when (e.Errno == EEXIST)
            {
                // The kernel says EEXIST for either end. The container end lives here, so look there.
                if (GetLink(name) is not null)
                    throw new LinkNameExistsException(name, containerSide: true, e);
                if (hostName is not null)
                    throw new LinkNameExistsException(hostName, containerSide: false, e);
                last = e;
                continue;
            }
            LinkInfo container = GetLink(name)
                ?? throw new NetlinkException(ENODEV, $"RTM_GETLINK {name}", "veth vanished right after it was created");
            return new VethPair(container, peer);
        }
        throw new NetlinkException(EEXIST, $"RTM_NEWLINK {name} type veth",
            $"failed to find a unique veth name after {VethNameAttempts} attempts ({last?.ExtAckMessage ?? "file exists"})");
    }
}
