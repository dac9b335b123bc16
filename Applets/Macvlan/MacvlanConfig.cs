using CniBox.Applets.Common;
using CniBox.Applets.Common.OneLink;
using CniBox.Spec;

namespace CniBox.Applets.Macvlan;

/// <summary>
/// macvlan's keys as upstream 1.9.1 reads them: <c>master</c> ("" or absent: the default-route interface),
/// <c>mode</c>, <c>mtu</c>, <c>mac</c> (overridden by CNI_ARGS <c>MAC</c>, then <c>runtimeConfig.mac</c>),
/// <c>bcqueuelen</c>, <c>linkInContainer</c>, plus the generic <c>ipam</c> (empty: L2 only) and <c>dns</c>.
/// </summary>
public sealed record MacvlanConfig : IOneLinkConfig
{
    public const string DefaultMode = "bridge";

    public required PluginConfig Config { get; init; }
    public string Master { get; init; } = "";
    public string Mode { get; init; } = DefaultMode;
    public int Mtu { get; init; }
    public string? Mac { get; init; }
    public uint? BroadcastQueueLength { get; init; }
    public bool LinkInContainer { get; init; }

    public string IpamType => Config.IpamType;
    public bool IsLayer3 => IpamType.Length > 0;

    public static MacvlanConfig Parse(byte[] stdin, string cniArgs)
    {
        var cfg = PluginConfig.Parse(stdin, c =>
        {
            var r = c.Root;
            return new MacvlanConfig
            {
                Config = c,
                Master = r.String("master") ?? "",
                Mode = r.String("mode") is { Length: > 0 } mode ? mode : DefaultMode,
                Mtu = r.Int("mtu") ?? 0,
                Mac = r.String("mac") is { Length: > 0 } mac ? mac : null,
                BroadcastQueueLength = r.UInt("bcqueuelen") is > 0 and var bc ? bc : null,
                LinkInContainer = r.Bool("linkInContainer") ?? false,
                RuntimeMac = r.Object("runtimeConfig", "struct { Mac string \"json:\\\"mac,omitempty\\\"\" }", owner: "").String("mac"),
            };
        });
        // Go's order: the config's mac, then CNI_ARGS MAC (parsed, unknown keys refused, on every verb), then runtimeConfig.mac.
        var envMac = CniArgs.Parse(cniArgs, ["MAC"]).GetValueOrDefault("MAC");
        return cfg with { Mac = cfg.RuntimeMac is { Length: > 0 } rc ? rc : envMac is { Length: > 0 } env ? env : cfg.Mac };
    }

    /// <summary>The MAC as Go's net.ParseMAC reads it, with Go's "invalid args" text; null when none is configured.</summary>
    public string? ValidatedMac()
    {
        if (Mac is null) return null;
        var bytes = GoMac.TryParse(Mac);
        if (bytes is not { Length: 6 })
            throw new CniException(ErrorCode.Internal, $"invalid args {Mac} for MAC addr: {GoMac.InvalidText(Mac)}");
        return Netlink.Links.LinkMessages.FormatMac(bytes);
    }

    private string? RuntimeMac { get; init; }
}
