using CniBox.Applets.Common;
using CniBox.Applets.Common.OneLink;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Ipvlan;

/// <summary>
/// ipvlan's keys as upstream 1.9.1 reads them: <c>master</c> (absent: the prevResult's single interface when
/// chained, else the default-route interface), <c>mode</c> l2/l3/l3s, <c>mtu</c>, <c>linkInContainer</c>, plus
/// the generic <c>ipam</c> (may be empty when chained: the prevResult's IPs are used) and <c>dns</c>.
/// </summary>
public sealed class IpvlanConfig : IOneLinkConfig
{
    public const string DefaultMode = "l2";

    public required PluginConfig Config { get; init; }

    /// <summary>The master as configured or taken from the prevResult; "" means the default-route interface.</summary>
    public string Master { get; init; } = "";
    public string Mode { get; init; } = DefaultMode;
    public int Mtu { get; init; }
    public bool LinkInContainer { get; init; }

    /// <summary>The parsed prevResult (ADD and DEL; CHECK reads its own, as Go's loadConf skips it there).</summary>
    public CniResult? PrevResult { get; init; }

    public string IpamType => Config.IpamType;

    public static IpvlanConfig Parse(byte[] stdin, CniCommand command)
    {
        var cfg = PluginConfig.Parse(stdin, c => new IpvlanConfig
        {
            Config = c,
            Master = c.Root.String("master") ?? "",
            Mode = c.Root.String("mode") is { Length: > 0 } mode ? mode : DefaultMode,
            Mtu = c.Root.Int("mtu") ?? 0,
            LinkInContainer = c.Root.Bool("linkInContainer") ?? false,
        });
        if (command == CniCommand.Check || cfg.Config.Conf.PrevResult is null) return cfg;
        var prev = cfg.Config.Conf.ParsePrevResult()!;
        var master = cfg.Master;
        if (master.Length == 0)
        {
            if (prev.Interfaces is not [{ Name: { Length: > 0 } only }])
                throw new CniException(ErrorCode.Internal, "chained master failure. PrevResult lacks a single named interface");
            master = only;
        }
        return new IpvlanConfig
        {
            Config = cfg.Config, Master = master, Mode = cfg.Mode, Mtu = cfg.Mtu, LinkInContainer = cfg.LinkInContainer, PrevResult = prev,
        };
    }
}
