using System.Net;
using System.Net.Sockets;
using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Spec;
using CniBox.Spec.Addressing;

namespace CniBox.Applets.Sbr;

/// <summary>
/// sbr's keys as upstream's parseConfig reads them: <c>table</c> (a routing table of the caller's: ADD then only adds
/// the rules), <c>gateways</c> (at most one IPv4 and one IPv6 address: the default route of each source table goes
/// there instead of the IP's own gateway) and <c>addSourceHints</c> (the subnet routes stay in main, with the
/// address as their source, instead of being deleted). A decoding error is code 6, a refused value code 7.
/// </summary>
public sealed class SbrConfig : IChainedConfig
{
    public required PluginConfig Config { get; init; }
    public uint? Table { get; init; }
    public IPAddress? GatewayV4 { get; init; }
    public IPAddress? GatewayV6 { get; init; }
    public bool AddSourceHints { get; init; }

    public static SbrConfig Parse(byte[] stdin)
    {
        var keys = PluginConfig.Parse(stdin, c => (Config: c, Table: c.Root.Int("table"), Gateways: c.Root.StringList("gateways"),
            Hints: c.Root.Bool("addSourceHints") ?? false), ErrorCode.DecodingFailure, "failed to parse network configuration: ");
        if (keys.Table is < 0)
            throw new CniException(ErrorCode.InvalidNetworkConfig, $"invalid table {keys.Table}: must not be negative");
        IPAddress? v4 = null, v6 = null;
        foreach (var text in keys.Gateways ?? [])
        {
            // Go's net.ParseIP (IpAddr): refuses .NET's inet_aton forms ("10", "1.2.3", octal) and zones; v4-mapped is v4.
            if (!IpAddr.TryParse(text, out var ip))
                throw new CniException(ErrorCode.InvalidNetworkConfig, $"invalid gateway \"{text}\": not an IP address");
            var gw = new IPAddress(ip.ToBytes());
            if (ip.IsV4)
                v4 = v4 is null ? gw : throw new CniException(ErrorCode.InvalidNetworkConfig, "only one IPv4 gateway may be given in \"gateways\"");
            else
                v6 = v6 is null ? gw : throw new CniException(ErrorCode.InvalidNetworkConfig, "only one IPv6 gateway may be given in \"gateways\"");
        }
        return new SbrConfig
        {
            Config = keys.Config,
            Table = keys.Table is { } t ? (uint)t : null,
            GatewayV4 = v4,
            GatewayV6 = v6,
            AddSourceHints = keys.Hints,
        };
    }

    /// <summary>The configured gateway of <paramref name="family"/>, null when <c>gateways</c> names none.</summary>
    public IPAddress? GatewayFor(AddressFamily family) => family == AddressFamily.InterNetwork ? GatewayV4 : GatewayV6;
}
