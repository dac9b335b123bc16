using CniBox.Ipam.Dhcp.Protocol;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Packet;
using CniBox.Netlink.Rtnl;

namespace CniBox.Ipam.Dhcp.Daemon;

/// <summary>
/// The container interface <paramref name="ifName"/> in the netns at <paramref name="netnsPath"/>, opened afresh
/// for each exchange: the netns file and the link are looked up every time, so a vanished container ends its lease
/// (<see cref="LinkGoneException"/>) instead of being renewed forever. A link that is down is set up, as Go does.
/// </summary>
public sealed class PacketLinkOpener(string netnsPath, string ifName) : IDhcpLinkOpener
{
    public IDhcpLink Open()
    {
        NetNsHandle ns;
        try
        {
            ns = NetNsHandle.Open(netnsPath);
        }
        catch (NetNsException e)
        {
            throw new LinkGoneException($"netns {netnsPath}: {e.Message}");
        }
        using (ns)
        {
            byte[] mac;
            int index;
            using (var rtnl = RtnlHandle.Open(ns))
            {
                var link = rtnl.GetLink(ifName) ?? throw new LinkGoneException($"no link {ifName} in {netnsPath}");
                if (!link.IsUp) rtnl.SetLinkUp(link.Index);
                index = link.Index;
                mac = link.Mac is null ? [] : LinkMessages.TryParseMac(link.Mac) ?? [];
            }
            if (mac.Length != 6) throw new LinkGoneException($"{ifName} in {netnsPath} has no ethernet address");
            return new PacketLink(PacketSocket.OpenUdp(ns, index, UdpFrame.ClientPort), mac);
        }
    }

    private sealed class PacketLink(PacketSocket socket, byte[] mac) : IDhcpLink
    {
        private readonly byte[] _buffer = new byte[2048];

        public byte[] Mac => mac;

        public async ValueTask SendAsync(byte[] frame, CancellationToken cancel) => await socket.SendAsync(frame, cancel);

        public async ValueTask<byte[]> ReceiveAsync(CancellationToken cancel)
        {
            int n = await socket.ReceiveAsync(_buffer, cancel);
            return _buffer.AsSpan(0, n).ToArray();
        }

        public void Dispose() => socket.Dispose();
    }
}
