using System.Text.RegularExpressions;
using CniBox.Spec;
using CniBox.Tests.Integration.Applets.Vrf;
using CniBox.Tests.Support;
using CniBox.Tests.Support.Dhcp;
using static CniBox.Tests.Integration.Applets.Contract.ContractItem;

namespace CniBox.Tests.Integration.Applets.Contract;

/// <summary>
/// The applets under the plugin contract, one line each. A new plugin adds its line here; an item that cannot
/// apply to it goes into <c>NotApplicable</c> with the reason, and is then not generated. The IPAM applets get the
/// netns items too: a plugin's DEL hands them its CNI_NETNS, empty or vanished, and they must not need it.
/// </summary>
public static class ContractCases
{
    public static readonly IReadOnlyList<ContractCase> All =
    [
        new("bandwidth", (_, v) => Bandwidth(v), ["10.199.214.2/24", "fd99:0:214::2/64"])
        {
            After = new ChainStep("ptp", (net, v) => Ptp(net, v, subnets: "10.199.214.0/24 fd99:0:214::/64"), Patterns(Forwarding)),
            Versions = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"],
            // Go's DEL removes only the ifb: the veth's TBF, ingress qdisc and redirect go when ptp deletes the veth.
            // The TBF takes the place of the veth's noqueue root.
            Leaves = Patterns("^node: (qdisc kind=\"(tbf|ingress|noqueue)\" .*dev=\"VETH\"|filter VETH: )"),
            Rollback = new((_, v) => Bandwidth(v), HoldTheVethsIngressQdisc, 999, "create ingress qdisc: file exists"),
        },
        new("bridge", (net, v) => Bridge(net, v), ["10.199.210.2/24", "fd99:0:210::2/64"])
        {
            Leaves = Patterns([.. Forwarding, .. BridgeLeftovers]),
            Rollback = new((net, v) => Bridge(net, v, ",\"ipMasq\":true"), RefuseMasquerade, 999, "failed to set up IP masquerade: "),
        },
        new("dhcp", (net, v) => IpamConf(net, v, $"{{\"type\":\"dhcp\",\"daemonSocketPath\":\"{DhcpContractServer.SocketPath}\"}}"),
            [DhcpContractServer.Address])
        {
            Prepare = DhcpContractServer.Prepare,
            // The lease lives in the daemon's state dir and dnsmasq's lease file, outside the snapshot; the container's
            // eth0 is made (and set up) by Prepare, as the main plugin would before calling IPAM.
            AddChangesState = false,
            NotApplicable = new Dictionary<ContractItem, string>
            {
                [RollbackWhenTheLastStepOfAddFails] = "ADD has one step, the daemon's lease: a failed exchange leaves no lease, file or link",
            },
        },
        new("dummy", (net, v) => OneLink("dummy", net, v, "10.199.129"), ["10.199.129.2/24", "fd99:0:99::2/64"])
        {
            Rollback = new((net, v) => OneLink("dummy", net, v, "10.199.129", unreachableRoute: true), (_, _) => { }, 999, "failed to add route '"),
        },
        new("firewall", (_, v) => NetHarness.Conf("firewall", v, ""), ["10.199.201.2/24", "fd99:200::2/64"])
        {
            After = new ChainStep("ptp", (net, v) => Ptp(net, v, subnets: "10.199.201.0/24 fd99:200::/64"), Patterns([.. Forwarding, FirewallStructure])),
            Versions = ["0.4.0", "1.0.0", "1.1.0"],
            Leaves = Patterns(FirewallStructure),
            Rollback = new((_, v) => NetHarness.Conf("firewall", v, ""), RefuseFirewallContainersChain, 999,
                "failed to set up the firewall's nftables rules: "),
        },
        new("flannel", (net, v) => Flannel(net, v), ["10.199.64.2/24"])
        {
            Leaves = Patterns([.. Forwarding, .. FlannelBridgeLeftovers]),
            // The delegate bridge rolls itself back; flannel keeps the saved delegate for the DEL a runtime sends next.
            Rollback = new((net, v) => Flannel(net, v, ",\"ipMasq\":true"), RefuseMasquerade, 999, "failed to set up IP masquerade: "),
        },
        new("ipvlan", (net, v) => OneLink("ipvlan", net, v, "10.199.127"), ["10.199.127.2/24"])
        {
            Leaves = Patterns(OneLinkMasterLines),
            Rollback = new((net, v) => OneLink("ipvlan", net, v, "10.199.127", unreachableRoute: true), (_, _) => { }, 999, "failed to add route '"),
        },
        new("macvlan", (net, v) => OneLink("macvlan", net, v, "10.199.98"), ["10.199.98.2/24"])
        {
            Leaves = Patterns(OneLinkMasterLines),
            Rollback = new((net, v) => OneLink("macvlan", net, v, "10.199.98", unreachableRoute: true), (_, _) => { }, 999, "failed to add route '"),
        },
        new("portmap", (_, v) => Portmap(v), ["10.199.214.2/24", "fd99:0:214::2/64"])
        {
            // The table and its chains stay, as with upstream's nft backend; every rule of the container goes.
            Leaves = Patterns(@"^node: nft .*cni_hostport"),
            Rollback = new((_, v) => Portmap(v), RefusePortmapMasquerading, 999, "unable to set up nftables rules for port mappings: "),
        },
        new("ptp", (net, v) => Ptp(net, v), ["10.199.211.2/24", "fd99:0:211::2/64"])
        {
            Leaves = Patterns(Forwarding),
            Rollback = new((net, v) => Ptp(net, v, ",\"ipMasq\":true"), RefuseMasquerade, 999, "failed to set up IP masquerade: "),
        },
        new("loopback", (_, v) => NetHarness.Conf("loopback", v, ""), ["127.0.0.1/8", "::1/128"])
        {
            // The kernel keeps lo's IPv4 address and its local routes when lo goes down; only ::1 goes.
            // The noqueue qdisc lo gets when it first goes up stays too.
            Leaves = Patterns(@"^container: addr lo inet 127\.0\.0\.1/8 ", @"^container: route -4 dev=lo dst=127\.0\.0\.(0/8|1) .*table=local",
                "^container: qdisc kind=\"noqueue\" .*dev=\"lo\""),
            NotApplicable = new Dictionary<ContractItem, string>
            {
                [RollbackWhenTheLastStepOfAddFails] = "ADD has one step, bringing lo up: no later step can fail and nothing is created",
            },
        },
        new("host-device", (net, v) => HostDevice(net, v), ["10.199.215.2/24", "fd99:0:215::2/64"])
        {
            NotApplicable = new Dictionary<ContractItem, string>
            {
                [DelAfterTheNetnsIsGone] = "the moved device is a veth here, which dies with the container's netns (a physical " +
                    "device would go back to the initial netns, never to the node's): nothing is left for DEL to move back",
            },
            // The device is moved in and configured; the route through a gateway no address reaches is refused last.
            Rollback = new((net, v) => HostDevice(net, v, "[{\"dst\":\"10.199.219.0/24\",\"gw\":\"10.199.99.1\"}]"),
                (_, _) => { }, 999, "failed to add route '10.199.219.0/24 via 10.199.99.1 dev eth0': "),
        },
        new("host-local", (net, v) => IpamConf(net, v, net.HostLocal("10.199.212.0/24 fd99:0:212::/64")), ["10.199.212.2/24", "fd99:0:212::2/64"])
        {
            Rollback = new(HostLocalWithOneAddressInTheLastSet, HoldTheLastSetsAddress, 999,
                "failed to allocate for range 1: no IP addresses available in range set: fd99:0:212::9-fd99:0:212::9"),
        },
        new("sbr", (_, v) => NetHarness.Conf("sbr", v, ""), ["10.199.216.2/24", "fd99:0:216::2/64"])
        {
            After = new ChainStep("ptp", (net, v) => Ptp(net, v, subnets: "10.199.216.0/24 fd99:0:216::/64"), Patterns(Forwarding)),
            // The IPv6 table's default route goes to a gateway no link reaches: refused after the IPv4 table and the IPv6 rule exist.
            Rollback = new((_, v) => NetHarness.Conf("sbr", v, "", ",\"gateways\":[\"fd99:0:219::1\"]"), (_, _) => { }, 999,
                "Failed to add default route to fd99:0:219::1: "),
        },
        new("static", (net, v) => IpamConf(net, v, StaticIpam), ["10.199.213.5/24", "fd99:0:213::5/64"])
        {
            AddChangesState = false,
            NotApplicable = new Dictionary<ContractItem, string>
            {
                [RollbackWhenTheLastStepOfAddFails] = "ADD only answers from its config: it creates nothing, so nothing can be rolled back",
            },
        },
        new("tap", (net, v) => Tap(net, v), ["10.199.218.2/24"])
        {
            // IPv4 only: a tap without a process on it has no carrier, so an IPv6 address would never finish DAD.
            Rollback = new((net, v) => Tap(net, v, "[{\"dst\":\"10.199.219.0/24\",\"gw\":\"10.199.99.1\"}]"),
                (_, _) => { }, 999, "failed to add route '10.199.219.0/24 via 10.199.99.1 dev eth0': "),
        },
        new("tuning", (_, v) => Tuning(v), ["10.199.190.2/24", "fd99:0:190::2/64"])
        {
            Prepare = c => c.IpIn("link", "add", "eth0", "type", "veth", "peer", "name", "cbttuct0"),
            // A MAC set by hand, even back to the old one, is NET_ADDR_SET (3) to the kernel from then on, no longer
            // NET_ADDR_RANDOM (1); Go's DEL leaves the same.
            Leaves = Patterns(@"^container: sysctl /sys/class/net/eth0/addr_assign_type:[13]$"),
            // MAC, promisc and the sysctl are set when the MTU (after them in Go's order) is refused.
            Rollback = new((_, v) => Tuning(v, ",\"mtu\":70000"), (_, _) => { }, 999, "failed to set MTU of \"eth0\" to 70000: "),
        },
        new("vlan", (net, v) => OneLink("vlan", net, v, "10.199.128", ",\"vlanId\":95"), ["10.199.128.2/24"])
        {
            Leaves = Patterns(OneLinkMasterLines),
            Rollback = new((net, v) => OneLink("vlan", net, v, "10.199.128", ",\"vlanId\":95", unreachableRoute: true), (_, _) => { }, 999,
                "failed to add route '"),
        },
        new("vrf", (_, v) => NetHarness.Conf("vrf", v, "", ",\"vrfname\":\"cbthdvrf\""), ["10.199.217.2/24", "fd99:0:217::2/64"])
        {
            After = new ChainStep("ptp", (net, v) => Ptp(net, v, subnets: "10.199.217.0/24 fd99:0:217::/64"), Patterns(Forwarding)),
            Versions = ["0.3.1", "0.4.0", "1.0.0", "1.1.0"],
            NotApplicable = VrfKernel.Supported
                ? new Dictionary<ContractItem, string>
                {
                    [RollbackWhenTheLastStepOfAddFails] = "no way to make the enslaving fail late was built: the kernel this was written on has no VRF devices",
                }
                : NoVrfDevices,
        },
    ];

    /// <summary>Every item that needs a successful ADD, on a kernel without VRF devices (VrfIntegrationTests checks the refusal).</summary>
    private static Dictionary<ContractItem, string> NoVrfDevices =>
        new[] { AddCheckDelDelAgain, DelWithEmptyNetns, DelAfterTheNetnsIsGone, EveryVersion, RollbackWhenTheLastStepOfAddFails }
            .ToDictionary(i => i, _ => "this kernel has no VRF devices (CONFIG_NET_VRF): ADD fails with " + VrfKernel.MissingError);

    public const string BridgeName = "cbtcontract0";

    /// <summary>tuning's backups: not under the harness' dataDir, whose files the IPAM items count as released.</summary>
    public static readonly string TuningDataDir = Path.Combine(Path.GetTempPath(), "cbt-tuning-contract");

    /// <summary>Go's bridge DEL leaves the bridge, its gateway addresses and their routes.</summary>
    private static string[] BridgeLeftovers =>
    [
        $"^node: link {BridgeName} .*kind=bridge",
        $@"^node: addr {BridgeName} inet 10\.199\.210\.1/24 ",
        $@"^node: addr {BridgeName} inet6 (fd99:0:210::1/64 |link-local/)",
        $"^node: route -[46] .*dev={BridgeName}( |$)",
        $@"^node: sysctl /\S+/{BridgeName}/",
        $"^node: qdisc .*dev=\"{BridgeName}\"",
    ];

    /// <summary>The node device host-device moves: one end of a veth made in the node on first use, down; its peer stays up
    /// there (a carrier for IPv6 DAD in the container) without IPv6, whose routes would come and go with that carrier.</summary>
    public const string HostDeviceName = "cbthdct0";

    private static string HostDevice(NetHarness net, string version, string routes = "")
    {
        if (!NetHarness.Links(net.Host).Contains(HostDeviceName))
        {
            net.Host.IpIn("link", "add", HostDeviceName, "type", "veth", "peer", "name", "cbthdct1");
            TestNetns.Ip("netns", "exec", net.Host.Name, "sysctl", "-qw", "net.ipv6.conf.cbthdct1.disable_ipv6=1");
            net.Host.IpIn("link", "set", "cbthdct1", "up");
        }
        return NetHarness.Conf("host-device", version, net.HostLocal("10.199.215.0/24 fd99:0:215::/64", routes), $",\"device\":\"{HostDeviceName}\"");
    }

    private static string Tap(NetHarness net, string version, string routes = "") =>
        NetHarness.Conf("tap", version, net.HostLocal("10.199.218.0/24", routes), ",\"mtu\":1400,\"multiQueue\":true,\"owner\":0,\"group\":0");
    /// <summary>flannel's subnet.env and dataDir: not under the harness' dataDir, whose files the IPAM items count.</summary>
    public static readonly string FlannelDir = Path.Combine(Path.GetTempPath(), "cbt-fl-contract");

    /// <summary>flannel over its default delegate, bridge (here cbtfl0), with this node's subnet from subnet.env.</summary>
    private static string Flannel(NetHarness net, string version, string delegateExtra = "")
    {
        Directory.CreateDirectory(FlannelDir);
        File.WriteAllText(Path.Combine(FlannelDir, "subnet.env"),
            "FLANNEL_NETWORK=10.199.64.0/18\nFLANNEL_SUBNET=10.199.64.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n");
        return NetHarness.Conf("flannel", version, $"{{\"dataDir\":\"{net.DataDir}\"}}",
            $",\"subnetFile\":\"{FlannelDir}/subnet.env\",\"dataDir\":\"{FlannelDir}/data\",\"delegate\":{{\"bridge\":\"cbtfl0\"{delegateExtra}}}");
    }

    /// <summary>The delegate bridge's DEL leaves what Go's bridge DEL leaves (see <see cref="BridgeLeftovers"/>).</summary>
    private static string[] FlannelBridgeLeftovers =>
    [
        "^node: link cbtfl0 .*kind=bridge",
        @"^node: addr cbtfl0 inet 10\.199\.64\.1/24 ",
        "^node: addr cbtfl0 inet6 link-local/",
        "^node: route -[46] .*dev=cbtfl0( |$)",
        @"^node: sysctl /\S+/cbtfl0/",
        "^node: qdisc .*dev=\"cbtfl0\"",
    ];

    /// <summary>bridge (isGateway) and ptp turn on forwarding in the node and leave it on, as Go does.</summary>
    private static string[] Forwarding =>
    [
        "^node: sysctl /proc/sys/net/ipv4/ip_forward:[01]$",
        "^node: sysctl /proc/sys/net/ipv[46]/conf/[^/]+/forwarding:[01]$",
    ];

    private static string Bridge(NetHarness net, string version, string extra = "") =>
        NetHarness.Conf("bridge", version, net.HostLocal("10.199.210.0/24 fd99:0:210::/64"),
            $",\"bridge\":\"{BridgeName}\",\"isGateway\":true{extra}");

    private static string Ptp(NetHarness net, string version, string extra = "", string subnets = "10.199.211.0/24 fd99:0:211::/64") =>
        NetHarness.Conf("ptp", version, net.HostLocal(subnets), extra);

    /// <summary>
    /// The master macvlan, ipvlan and vlan take in the node: a veth left down, so the kernel never makes the master
    /// promiscuous for the child's MAC (a veth has no unicast filter) nor gives it IPv6 addresses, which it would undo
    /// in its own time after a vanished netns. Without carrier, IPv6 DAD in the container never ends: these are IPv4 only.
    /// </summary>
    public const string OneLinkMaster = "cbtmv0";

    /// <summary>The master is made with the config, which some items read after their first snapshot: its lines may differ.</summary>
    private const string OneLinkMasterLines = @"^node: .*\bcbtmv[01]\b";

    /// <summary>
    /// A main plugin that creates one link (macvlan, ipvlan, vlan; dummy, dual-stack with fd99:0:99::/64) with host-local
    /// in <paramref name="v4"/>.0/24; the master veth is created first when it is not there yet. With
    /// <paramref name="unreachableRoute"/>, IPAM's second route goes through a gateway on no link: the kernel refuses
    /// it (ENETUNREACH) in ADD's last step, after the link, IPAM and the first route.
    /// </summary>
    private static string OneLink(string type, NetHarness net, string version, string v4, string extra = "", bool unreachableRoute = false)
    {
        var dummy = type == "dummy";
        if (!dummy && !NetHarness.Links(net.Host).Contains(OneLinkMaster))
            net.Host.IpIn("link", "add", OneLinkMaster, "type", "veth", "peer", "name", "cbtmv1");
        var master = dummy ? "" : $",\"master\":\"{OneLinkMaster}\"";
        var routes = unreachableRoute ? $"[{{\"dst\":\"10.199.97.0/24\",\"gw\":\"{v4}.254\"}},{{\"dst\":\"10.199.96.0/24\",\"gw\":\"10.199.95.1\"}}]" : "";
        var subnets = dummy ? $"{v4}.0/24 fd99:0:99::/64" : $"{v4}.0/24";
        return NetHarness.Conf(type, version, net.HostLocal(subnets, routes), master + extra);
    }

    private static string Bandwidth(string version) =>
        NetHarness.Conf("bandwidth", version, "", ",\"ingressRate\":8000000,\"ingressBurst\":80000,\"egressRate\":16000000,\"egressBurst\":160000");

    /// <summary>An ingress qdisc already on the host veth: bandwidth's egress fails once its TBF and its ifb exist.</summary>
    private static void HoldTheVethsIngressQdisc(NetHarness net, string conf)
    {
        var prev = System.Text.Json.JsonDocument.Parse(conf).RootElement.GetProperty("prevResult");
        var hostVeth = prev.GetProperty("interfaces")[0].GetProperty("name").GetString()!;
        TestNetns.Ip("netns", "exec", net.Host.Name, "tc", "qdisc", "add", "dev", hostVeth, "handle", "ffff:", "ingress");
    }

    /// <summary>Every attribute tuning sets, the container's address left by a plugin before it (hand-made here).</summary>
    private static string Tuning(string version, string extra = "") =>
        NetHarness.Conf("tuning", version, "",
            $",\"dataDir\":\"{TuningDataDir}\",\"sysctl\":{{\"net.ipv4.conf.IFNAME.arp_notify\":\"1\"}},\"mac\":\"00:00:00:19:00:02\"," +
            $"\"mtu\":1400,\"promisc\":true,\"allmulti\":true,\"txQLen\":500{extra},\"prevResult\":{TuningPrevResult(version)}");

    private static string TuningPrevResult(string version) => CniVersion.AtLeast(version, "0.3.0")
        ? $"{{\"cniVersion\":\"{version}\",\"interfaces\":[{{\"name\":\"eth0\",\"sandbox\":\"/var/run/netns/contract\"}}],\"ips\":[" +
            $"{{{IpVersion(version, "4")}\"address\":\"10.199.190.2/24\",\"interface\":0}},{{{IpVersion(version, "6")}\"address\":\"fd99:0:190::2/64\",\"interface\":0}}]}}"
        : $"{{\"cniVersion\":\"{version}\",\"ip4\":{{\"ip\":\"10.199.190.2/24\"}},\"ip6\":{{\"ip\":\"fd99:0:190::2/64\"}}}}";

    private static string IpVersion(string version, string family) =>
        CniVersion.AtLeast(version, "1.0.0") ? "" : $"\"version\":\"{family}\",";

    /// <summary>An IPAM plugin gets its parent plugin's whole config; bridge's here.</summary>
    private static string IpamConf(NetHarness net, string version, string ipam) => NetHarness.Conf("bridge", version, ipam);

    private const string StaticIpam =
        "{\"type\":\"static\",\"addresses\":[{\"address\":\"10.199.213.5/24\",\"gateway\":\"10.199.213.1\"}," +
        "{\"address\":\"fd99:0:213::5/64\",\"gateway\":\"fd99:0:213::1\"}]}";

    /// <summary>portmap after bridge, as podman writes it: prevResult in the config's version, one TCP and one UDP port.</summary>
    private static string Portmap(string version)
    {
        var prev = string.CompareOrdinal(version, "0.3.0") < 0
            ? $"{{\"cniVersion\":\"{version}\",\"ip4\":{{\"ip\":\"10.199.214.2/24\"}},\"ip6\":{{\"ip\":\"fd99:0:214::2/64\"}}}}"
            : $"{{\"cniVersion\":\"{version}\",\"interfaces\":[{{\"name\":\"eth0\",\"sandbox\":\"/var/run/netns/x\"}}]," +
              $"\"ips\":[{{{(version.StartsWith("0.3") ? "\"version\":\"4\"," : "")}\"address\":\"10.199.214.2/24\",\"interface\":0}}," +
              $"{{{(version.StartsWith("0.3") ? "\"version\":\"6\"," : "")}\"address\":\"fd99:0:214::2/64\",\"interface\":0}}]}}";
        return NetHarness.Conf("portmap", version, "", ",\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":18080,\"containerPort\":80," +
            "\"protocol\":\"tcp\"},{\"HostPort\":18053,\"ContainerPort\":53,\"Protocol\":\"udp\",\"HostIP\":\"\"}]},\"prevResult\":" + prev);
    }

    /// <summary>
    /// A node without iptables tables gets firewall's nftables backend: its table, chains and jumps stay (a concurrent
    /// ADD may be filling them), as the iptables layout's chains do; every rule commented with the container goes.
    /// </summary>
    private const string FirewallStructure = @"^node: nft table inet cnibox_firewall / (?!.*comment ""cbt-ct-).*$";

    /// <summary>A base chain where the layout has a regular one: the ADD batch is refused whole, at its chain.</summary>
    private static void RefuseFirewallContainersChain(NetHarness net, string conf) =>
        NftTestNetns.Run("ip", ["netns", "exec", net.Host.Name, "nft",
            "add table inet cnibox_firewall; add chain inet cnibox_firewall containers { type filter hook input priority 0; }"]);

    /// <summary>A masquerading chain of another type in the v4 table: the first batch fails at its last chain, atomically.</summary>
    private static void RefusePortmapMasquerading(NetHarness net, string conf) =>
        NftTestNetns.Run("ip", ["netns", "exec", net.Host.Name, "nft",
            "add table ip cni_hostport; add chain ip cni_hostport masquerading { type filter hook input priority 0; }"]);

    /// <summary>A postrouting chain of another type: nf_tables refuses the masquerade's own (EOPNOTSUPP).</summary>
    private static void RefuseMasquerade(NetHarness net, string conf) =>
        NftTestNetns.Run("ip", ["netns", "exec", net.Host.Name, "nft",
            "add table inet cni_plugins_masquerade; add chain inet cni_plugins_masquerade postrouting { type filter hook input priority 0; }"]);

    /// <summary>Two range sets; the last holds one address, so ADD fails after range 0 is allocated.</summary>
    private static string HostLocalWithOneAddressInTheLastSet(NetHarness net, string version) =>
        IpamConf(net, version, $"{{\"type\":\"host-local\",\"dataDir\":\"{net.DataDir}\",\"ranges\":[[{{\"subnet\":\"10.199.212.0/24\"}}]," +
            "[{\"subnet\":\"fd99:0:212::/64\",\"rangeStart\":\"fd99:0:212::9\",\"rangeEnd\":\"fd99:0:212::9\"}]]}");

    /// <summary>Another container takes the last set's only address first.</summary>
    private static void HoldTheLastSetsAddress(NetHarness net, string conf) =>
        CniAssert.Success(net.Run(Binaries.Applet("host-local"), "ADD", conf, "/var/run/netns/cbt-unused", "cbt-holder"));

    private static Regex[] Patterns(params string[] patterns) => [.. patterns.Select(p => new Regex(p))];
}
