using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Spec;

namespace CniBox.Applets.Vrf;

/// <summary>vrf's keys as upstream 1.9.1's parseConf reads them: <c>vrfname</c> (required), <c>table</c> (uint32, 0 = the first free one).</summary>
public sealed class VrfConfig : IChainedConfig
{
    public required PluginConfig Config { get; init; }
    public string VrfName { get; init; } = "";
    public uint Table { get; init; }

    public static VrfConfig Parse(byte[] stdin)
    {
        var config = PluginConfig.Parse(stdin, c => new VrfConfig
        {
            Config = c,
            VrfName = c.Root.String("vrfname") ?? "",
            Table = UInt32(c),
        });
        if (config.VrfName.Length == 0)
            throw new CniException(ErrorCode.InvalidNetworkConfig, "configuration is expected to have a valid vrf name");
        return config;
    }

    private static uint UInt32(PluginConfig c) =>
        c.Root.Raw("table") is not { } v || v.ValueKind == System.Text.Json.JsonValueKind.Null ? 0
        : v.ValueKind == System.Text.Json.JsonValueKind.Number && v.TryGetUInt32(out var n) ? n : throw c.Root.Mismatch(v, "table", "uint32");
}
