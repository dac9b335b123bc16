using System.Text.Json;
using CniBox.Applets.Common;
using CniBox.Spec;
using CniBox.Spec.Json;

namespace CniBox.Applets.Flannel;

/// <summary>
/// flannel's NetConf as loadFlannelNetConf reads it: <c>subnetFile</c> and <c>dataDir</c> with their defaults, and
/// <c>delegate</c>, <c>ipam</c> and <c>runtimeConfig</c> as Go maps (their keys exact, the last repeated one winning).
/// </summary>
public sealed record FlannelConfig(
    PluginConfig Config, string CniVersion, string SubnetFile, string DataDir,
    JsonElement? Delegate, JsonElement? Ipam, JsonElement? RuntimeConfig)
{
    public const string DefaultSubnetFile = "/run/flannel/subnet.env";
    public const string DefaultDataDir = "/var/lib/cni/flannel";
    private const string MapType = "map[string]interface {}";

    /// <summary>Decoding errors are Go's plain <c>failed to load netconf: ...</c>, which skel reports as code 999.</summary>
    public static FlannelConfig Parse(byte[] stdin)
    {
        var config = PluginConfig.Parse(stdin, c => new FlannelConfig(
            c,
            c.Root.String("cniVersion") ?? "",
            c.Root.String("subnetFile") ?? DefaultSubnetFile,
            c.Root.String("dataDir") ?? DefaultDataDir,
            Map(c, "delegate"),
            Map(c, "ipam"),
            Map(c, "runtimeConfig")), ErrorCode.Internal, "failed to load netconf: ");
        // Go's open(2) of such a path fails with EINVAL; refused here for every command, as the same text.
        foreach (var path in new[] { config.SubnetFile, config.DataDir })
            if (path.Contains('\0')) throw new CniException(ErrorCode.Internal, $"open {GoText.Quote(path)}: invalid argument");
        return config;
    }

    /// <summary>A map field: absent or null is nil, anything but an object is Go's type error.</summary>
    private static JsonElement? Map(PluginConfig c, string name)
    {
        if (!c.Root.TryGet(name, out var value)) return null;
        return value.ValueKind == JsonValueKind.Object ? value : throw c.Root.Mismatch(value, name, MapType);
    }
}
