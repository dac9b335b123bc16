using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Addressing;
using CniBox.Spec.Config;
using CniBox.Spec.Json;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Ipam.Static;

/// <summary>
/// The static IPAM plugin, as Go's plugins/ipam/static: ADD returns the configured addresses, routes and
/// dns (no interfaces); DEL, GC and STATUS have nothing to release or report; CHECK compares the configured
/// addresses with the prevResult's.
/// </summary>
public sealed class StaticPlugin : CniPlugin<StaticConfig?>
{
    /// <summary>Only ADD and CHECK read the config: nothing was allocated, so DEL, GC and STATUS have nothing to do.</summary>
    protected override StaticConfig? Parse(PluginCall call) =>
        call.Command is CniCommand.Add or CniCommand.Check ? StaticConfig.Parse(call.StdinData, call.Args) : null;

    protected override CniResult Add(PluginCall call, StaticConfig? config) => BuildResult(config!);

    /// <summary>The 1.1.0 result for a parsed config: ips in config order with their gateways, the ipam routes and dns.</summary>
    public static CniResult BuildResult(StaticConfig conf)
    {
        var result = new CniResult { CniVersion = Spec.CniVersion.Current, Dns = conf.Dns.Copy() };
        foreach (var address in conf.Addresses)
            result.Ips.Add(new IpConfig { Address = address.Address.ToString(), Gateway = address.Gateway?.ToString() });
        result.Routes.AddRange(conf.Routes);
        return result;
    }

    /// <summary>Nothing was allocated, so nothing is released; the config is not even read, as in Go.</summary>
    protected override void Del(PluginCall call, StaticConfig? config)
    {
    }

    /// <summary>
    /// Go's cmdCheck: the config must load, a prevResult must exist, and every configured address that the
    /// prevResult also lists must carry the configured gateway there. Addresses missing from the prevResult
    /// are not an error in Go, and neither are they here.
    /// </summary>
    protected override void Check(PluginCall call, StaticConfig? config)
    {
        var prev = LoadPrevResult(call.StdinData);
        foreach (var want in config!.Addresses)
        {
            foreach (var ip in prev.Ips)
            {
                if (!IpNet.TryParse(ip.Address, out var have) || have.Address != want.Address.Address) continue;
                if (want.Gateway is not { } gateway) break;
                if (ip.Gateway is { } gw && IpAddr.TryParse(gw, out var haveGw) && haveGw == gateway) break;
                throw new CniException(ErrorCode.Internal,
                    $"static: Failed to match addr {have.Address} on interface {call.IfName}");
            }
        }
    }

    private static CniResult LoadPrevResult(byte[] stdin)
    {
        NetConf conf;
        try
        {
            // Not disposed: the prevResult element points into it (see JsonFields).
            var root = GoJsonInput.Parse(stdin).RootElement;
            conf = NetConf.FromElement(root);
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, "failed to load netconf: " + JsonErrors.Describe(e));
        }
        return conf.ParsePrevResult() ?? throw new CniException(ErrorCode.Internal, "Required prevResult missing");
    }
}
