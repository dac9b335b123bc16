using CniBox.Applets.Bandwidth;
using CniBox.Applets.Bridge;
using CniBox.Applets.Common;
using CniBox.Applets.Firewall;
using CniBox.Applets.Flannel;
using CniBox.Applets.HostDevice;
using CniBox.Applets.Ipvlan;
using CniBox.Applets.Loopback;
using CniBox.Applets.Macvlan;
using CniBox.Applets.Portmap;
using CniBox.Applets.Ptp;
using CniBox.Applets.Sbr;
using CniBox.Applets.Tap;
using CniBox.Applets.Tuning;
using CniBox.Applets.Vlan;
using CniBox.Applets.Vrf;
using CniBox.Ipam.Dhcp.Protocol;
using CniBox.Ipam.HostLocal;
using CniBox.Ipam.Static;
using CniBox.Spec;
using CniBox.Spec.Config;
using CniBox.Spec.Results;
using CniBox.Spec.Runtime;
using CniBox.Spec.Skeleton;
using System.Net.Sockets;
using System.Text;
using CniBox.Netlink.Netfilter.Xtables;

namespace CniBox.Fuzz;

/// <summary>Every harness by name. CNI inputs are the stdin bytes, optionally followed by a NUL and CNI_ARGS.</summary>
public static class Harnesses
{
    private const string MissingAllowlist = "/nonexistent/cnibox-fuzz/allowlist.conf";
    private const string MissingSysBusPci = "/nonexistent/cnibox-fuzz/pci";

    /// <summary>A dual-stack subnet.env, for config-flannel's delegate build.</summary>
    private static readonly SubnetEnv FlannelEnv = SubnetEnv.Parse(
        "FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.17.1/24\nFLANNEL_IPV6_NETWORK=fc00::/48\n" +
        "FLANNEL_IPV6_SUBNET=fc00::1/64\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n", "subnet.env");

    public static readonly IReadOnlyList<Harness> All =
    [
        Cni("config-header", (stdin, _) => ConfigHeader.Parse(stdin)),
        Cni("netconflist", (stdin, _) => NetConfList.Parse(stdin)),
        Cni("result", (stdin, _) => CniResult.Parse(stdin)),
        Cni("result-cache", (stdin, _) => ResultCache.TryReadV1(stdin)),
        Cni("cni-args", (_, args) =>
        {
            CniArgs.Parse(args, ["IP", "MAC", "GATEWAY", "K8S_POD_NAME"]);
            CniArgs.ParseStrict(args);
        }),
        Cni("config-bandwidth", (stdin, _) => BandwidthConfig.Parse(stdin)),
        Cni("config-bridge", (stdin, args) => BridgeConfig.Parse(stdin, args)),
        Cni("config-dummy", (stdin, _) => PluginConfig.Parse(stdin, c => c, ErrorCode.DecodingFailure, "failed to parse network config: ")),
        Cni("config-firewall", (stdin, _) => FirewallConfig.Parse(stdin)),
        Cni("config-flannel", (stdin, _) =>
        {
            var config = FlannelConfig.Parse(stdin);
            try
            {
                _ = FlannelDelegate.Build(config, FlannelEnv).Json;
            }
            catch (FormatException)
            {
            }
        }),
        Cni("config-host-device", (stdin, _) => HostDeviceConfig.Parse(stdin, MissingSysBusPci)),
        Cni("config-host-local", (stdin, args) => HostLocalConfig.Parse(stdin, args)),
        Cni("config-ipvlan", (stdin, _) =>
        {
            Ignoring(() => IpvlanConfig.Parse(stdin, CniCommand.Add));
            IpvlanConfig.Parse(stdin, CniCommand.Del);
        }),
        Cni("config-loopback", (stdin, _) => LoopbackConfig.Parse(stdin)),
        Cni("config-macvlan", (stdin, args) => MacvlanConfig.Parse(stdin, args)),
        Cni("config-portmap", (stdin, _) => PortmapConfig.Parse(stdin, "failed to parse config: ")),
        Cni("config-ptp", (stdin, _) => PtpConfig.Parse(stdin).RequireIpam()),
        Cni("config-sbr", (stdin, _) => SbrConfig.Parse(stdin)),
        Cni("config-static", (stdin, args) => StaticConfig.Parse(stdin, args)),
        Cni("config-tap", (stdin, args) => TapConfig.Parse(stdin, args)),
        Cni("config-tuning", (stdin, args) =>
        {
            Ignoring(() => TuningConfig.Parse(stdin, args, CniCommand.Add, MissingAllowlist));
            TuningConfig.Parse(stdin, args, CniCommand.Del, MissingAllowlist);
        }),
        Cni("config-vlan", (stdin, _) => VlanConfig.Parse(stdin)),
        Cni("config-vrf", (stdin, _) => VrfConfig.Parse(stdin)),
        Cni("tuning-backup", (stdin, _) => TuningBackup.Parse(stdin)),
        new Harness("subnet-env", Binary: false, input =>
        {
            try
            {
                _ = SubnetEnv.Parse(Encoding.UTF8.GetString(input), "subnet.env");
            }
            catch (FormatException)
            {
            }
        }),
        Cni("resolv-conf", (stdin, _) => ResolvConf.Parse(Encoding.UTF8.GetString(stdin))),
        Cni("gc-attachments", (stdin, _) => GcAttachments.ReadValid(stdin)),
        Cni("nft-conditions", (stdin, _) =>
        {
            var tokens = Words(stdin);
            Ignoring(() => NftConditions.Parse(tokens, AddressFamily.InterNetwork, "conditionsV4"));
            NftConditions.Parse(tokens, AddressFamily.InterNetworkV6, "conditionsV6");
        }),
        new Harness("iptables-args", Binary: false, input =>
        {
            var args = Words(input.ToArray());
            foreach (bool ipv6 in new[] { false, true })
            {
                try
                {
                    var rule = XtRuleParser.Parse(args, ipv6);
                    _ = XtRuleEncoder.Program(rule).Count;
                    _ = rule.ToString();
                }
                catch (XtRuleException)
                {
                }
            }
        }),
        new Harness("netlink-dump", Binary: true, KernelReplies.Rtnetlink),
        new Harness("nft-dump", Binary: true, KernelReplies.Nftables),
        new Harness("dhcp-packet", Binary: true, DhcpPacket),
    ];

    /// <summary>A frame off the raw socket (or a bare DHCP message): decoded, taken as an ACK, its routes read and
    /// re-encoded. Anything on the wire may be hostile: nothing here may throw.</summary>
    private static void DhcpPacket(ReadOnlySpan<byte> input)
    {
        var frame = UdpFrame.TryDecode(input);
        var message = DhcpMessage.TryDecode(frame is null ? input : frame.Payload);
        if (message is null) return;
        _ = message.Type;
        _ = LeaseRoutes.Of(message.Options);
        _ = LeaseRoutes.Router(message.Options);
        _ = DhcpLease.FromAck(message, new byte[6], DateTimeOffset.UnixEpoch);
        _ = DhcpMessage.TryDecode(message.Encode());
    }

    /// <summary>Whitespace-separated words, as a config's condition list or an iptables command line.</summary>
    private static string[] Words(byte[] text) =>
        Encoding.UTF8.GetString(text).Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);

    public static Harness? Find(string name) => All.FirstOrDefault(h => h.Name == name);

    private static Harness Cni(string name, Action<byte[], string> parse) => new(name, Binary: false, input =>
    {
        int nul = input.IndexOf((byte)0);
        byte[] stdin = (nul < 0 ? input : input[..nul]).ToArray();
        string args = nul < 0 ? "" : Encoding.UTF8.GetString(input[(nul + 1)..]);
        Ignoring(() => parse(stdin, args));
    });

    private static void Ignoring(Action parse)
    {
        try
        {
            parse();
        }
        catch (CniException)
        {
        }
    }
}
