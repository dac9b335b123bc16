using CniBox.Applets.Common;
using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Json;

namespace CniBox.Applets.Tap;

/// <summary>
/// tap's keys as upstream 1.9.1's loadConf reads them: <c>mac</c> (overridden by CNI_ARGS <c>MAC</c>, then by
/// <c>runtimeConfig.mac</c>), <c>mtu</c>, <c>multiQueue</c>, <c>owner</c>, <c>group</c> (uint32), <c>selinuxContext</c>,
/// <c>bridge</c> (a bridge inside the container's netns the tap joins). IPAM is optional (L2 only without it).
/// </summary>
public sealed class TapConfig
{
    private const string RuntimeConfigType = "struct { Mac string \"json:\\\"mac,omitempty\\\"\" }";

    public required PluginConfig Config { get; init; }
    public string Mac { get; init; } = "";
    public int Mtu { get; init; }
    public bool MultiQueue { get; init; }
    public uint? Owner { get; init; }
    public uint? Group { get; init; }
    public string SelinuxContext { get; init; } = "";
    public string Bridge { get; init; } = "";

    /// <summary><c>runtimeConfig.mac</c>, already folded into <see cref="Mac"/> by Parse.</summary>
    public string RuntimeMac { get; init; } = "";

    public string IpamType => Config.IpamType;

    /// <summary>A *uint32 key: JsonFields' UInt names Go's "uint" in its errors, tap's fields are uint32.</summary>
    private static uint? UInt32(JsonFields root, string name) =>
        root.Raw(name) is not { } v || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetUInt32(out var n) ? n : throw root.Mismatch(v, name, "uint32");

    public static TapConfig Parse(byte[] stdin, string cniArgs)
    {
        var config = PluginConfig.Parse(stdin, c => new TapConfig
        {
            Config = c,
            Mac = c.Root.String("mac") ?? "",
            Mtu = c.Root.Int("mtu") ?? 0,
            MultiQueue = c.Root.Bool("multiQueue") ?? false,
            Owner = UInt32(c.Root, "owner"),
            Group = UInt32(c.Root, "group"),
            SelinuxContext = c.Root.String("selinuxContext") ?? "",
            Bridge = c.Root.String("bridge") ?? "",
            // Decoded with the rest (a wrong type is the same decoding error, code 6), applied after CNI_ARGS.
            RuntimeMac = c.Root.Object("runtimeConfig", RuntimeConfigType, owner: "").String("mac") ?? "",
        });
        var mac = config.Mac;
        if (!string.IsNullOrEmpty(cniArgs) && CniArgs.Parse(cniArgs, ["MAC"]).GetValueOrDefault("MAC") is { Length: > 0 } envMac) mac = envMac;
        if (config.RuntimeMac.Length > 0) mac = config.RuntimeMac;
        if (mac.Length > 0 && GoMac.TryParse(mac) is null)
            throw new CniException(ErrorCode.InvalidNetworkConfig, $"invalid args {mac} for MAC addr: {GoMac.InvalidText(mac)}");
        if (config.Mtu < 0)
            throw new CniException(ErrorCode.InvalidNetworkConfig, $"invalid MTU {config.Mtu}");
        return new TapConfig
        {
            Config = config.Config,
            Mac = mac,
            Mtu = config.Mtu,
            MultiQueue = config.MultiQueue,
            Owner = config.Owner,
            Group = config.Group,
            SelinuxContext = config.SelinuxContext,
            Bridge = config.Bridge,
        };
    }
}
