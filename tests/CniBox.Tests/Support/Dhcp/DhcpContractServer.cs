namespace CniBox.Tests.Support.Dhcp;

/// <summary>
/// The DHCP side of dhcp's contract line, shared by its items and started on first use: a server netns with a bridge
/// <c>cbtdhct0</c> (10.199.252.1/24), dnsmasq on it handing each container's eth0 (MAC <see cref="ContainerMac"/>) the
/// address 10.199.252.2 whatever its client ID, and our daemon. <see cref="Prepare"/> plugs a container's eth0 into the
/// bridge. <see cref="StopIfStarted"/> (the contract's one-time teardown) kills both by PID and deletes the netns.
/// </summary>
public static class DhcpContractServer
{
    public const string ContainerMac = "02:00:0a:c7:fc:02";
    public const string Address = "10.199.252.2/24";

    private static TestNetns? _netns;
    private static Dnsmasq? _dnsmasq;
    private static DhcpDaemonProcess? _daemon;
    private static string? _dir;

    public static string SocketPath
    {
        get
        {
            Start();
            return _daemon!.SocketPath;
        }
    }

    /// <summary>The container's eth0, up, its peer on the server's bridge: the state the daemon leaves it in.</summary>
    public static void Prepare(TestNetns container)
    {
        Start();
        var peer = "cbtdhct" + Convert.ToHexString(Guid.NewGuid().ToByteArray()[..3]).ToLowerInvariant();
        container.IpIn("link", "add", "eth0", "address", ContainerMac, "type", "veth", "peer", "name", peer, "netns", _netns!.Name);
        _netns.IpIn("link", "set", peer, "master", "cbtdhct0", "up");
        container.IpIn("link", "set", "eth0", "up");
    }

    private static void Start()
    {
        if (_daemon is not null) return;
        _dir = Directory.CreateTempSubdirectory("cbt-dh-ct-").FullName;
        _netns = new TestNetns("dh-ct");
        _netns.IpIn("link", "add", "cbtdhct0", "type", "bridge");
        _netns.IpIn("addr", "add", "10.199.252.1/24", "dev", "cbtdhct0");
        _netns.IpIn("link", "set", "cbtdhct0", "up");
        _dnsmasq = new Dnsmasq(_netns, ["10.199.252.2,10.199.252.2,255.255.255.0,1h"],
            ["interface=cbtdhct0", "no-ping", "dhcp-ignore-clid", $"dhcp-host={ContainerMac},10.199.252.2"]);
        _daemon = new DhcpDaemonProcess(_netns, _dir);
    }

    public static void StopIfStarted()
    {
        _daemon?.Dispose();
        _dnsmasq?.Dispose();
        _netns?.Dispose();
        if (_dir is not null) Directory.Delete(_dir, true);
        (_daemon, _dnsmasq, _netns, _dir) = (null, null, null, null);
    }
}
