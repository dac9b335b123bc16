using CniBox.Applets.Common;
using CniBox.Netlink.Route;
using CniBox.Spec;
using CniBox.Spec.Json;

namespace CniBox.Applets.Bridge;

/// <summary>Every key of Go's bridge NetConf, with its defaults and loadNetConf's validation, in Go's order.</summary>
public sealed class BridgeConfig
{
    public const string DefaultBridge = "cni0";
    public const int MaxVlan = 4094;

    public required PluginConfig Config { get; init; }
    public string BridgeName { get; init; } = DefaultBridge;
    public bool IsGateway { get; init; }
    public bool IsDefaultGateway { get; init; }
    public bool ForceAddress { get; init; }
    public int Mtu { get; init; }
    public bool HairpinMode { get; init; }
    public bool PromiscMode { get; init; }
    public int Vlan { get; init; }
    /// <summary>The trunk's VIDs, sorted and distinct; empty without <c>vlanTrunk</c>.</summary>
    public IReadOnlyList<int> TrunkVlans { get; init; } = [];
    /// <summary>Whether <c>vlanTrunk</c> was given at all (even <c>[]</c>): Go then asks for vlan_filtering.</summary>
    public bool HasVlanTrunk { get; init; }
    /// <summary>Go's default is true ("to maintain existing behavior"): the port's default VID 1 stays.</summary>
    public bool PreserveDefaultVlan { get; init; } = true;
    public bool MacSpoofCheck { get; init; }
    public bool EnableDad { get; init; }
    public bool DisableContainerInterface { get; init; }
    public bool PortIsolation { get; init; }
    public IpMasqConfig IpMasq { get; init; }
    /// <summary>The container MAC: runtimeConfig.mac, else args.cni.mac, else CNI_ARGS MAC; null when none.</summary>
    public string? Mac { get; private set; }

    public string IpamType => Config.IpamType;
    public bool IsLayer3 => IpamType.Length > 0;
    /// <summary>isDefaultGateway implies isGateway.</summary>
    public bool ActsAsGateway => IsGateway || IsDefaultGateway;
    public bool WantsVlanFiltering => Vlan != 0 || HasVlanTrunk;

    // Go prints these anonymous struct types in its type errors.
    private const string RuntimeConfigType = "struct { Mac string \"json:\\\"mac,omitempty\\\"\" }";
    private const string ArgsType = "struct { Cni main.BridgeArgs \"json:\\\"cni,omitempty\\\"\" }";

    public static BridgeConfig Parse(byte[] stdin, string cniArgs)
    {
        var cfg = PluginConfig.Parse(stdin, c =>
        {
            var r = c.Root;
            var vlan = r.Int("vlan") ?? 0;
            var trunk = ReadTrunk(r, out var hasTrunk);
            return new BridgeConfig
            {
                Config = c,
                BridgeName = r.String("bridge") ?? DefaultBridge,
                IsGateway = r.Bool("isGateway") ?? false,
                IsDefaultGateway = r.Bool("isDefaultGateway") ?? false,
                ForceAddress = r.Bool("forceAddress") ?? false,
                Mtu = r.Int("mtu") ?? 0,
                HairpinMode = r.Bool("hairpinMode") ?? false,
                PromiscMode = r.Bool("promiscMode") ?? false,
                Vlan = vlan,
                TrunkVlans = trunk,
                HasVlanTrunk = hasTrunk,
                PreserveDefaultVlan = r.Bool("preserveDefaultVlan") ?? true,
                MacSpoofCheck = r.Bool("macspoofchk") ?? false,
                EnableDad = r.Bool("enabledad") ?? false,
                DisableContainerInterface = r.Bool("disableContainerInterface") ?? false,
                PortIsolation = r.Bool("portIsolation") ?? false,
                IpMasq = IpMasqConfig.Read(r),
                Mac = r.Object("runtimeConfig", RuntimeConfigType, owner: "").String("mac") is { Length: > 0 } rc ? rc
                    : r.Object("args", ArgsType, owner: "").Object("cni", "main.BridgeArgs").String("mac") is { Length: > 0 } a ? a
                    : null,
            };
        });
        if (cfg.Vlan is < 0 or > MaxVlan)
            throw Invalid($"invalid VLAN ID {cfg.Vlan} (must be between 0 and {MaxVlan})");
        if (cfg.Vlan > 0 && cfg.TrunkVlans.Count > 0)
            throw Invalid("cannot set vlan and vlanTrunk at the same time");
        // CNI_ARGS is parsed (and its unknown keys refused) even when the JSON already names a MAC, as Go does.
        var envMac = CniArgs.Parse(cniArgs, ["MAC"]).GetValueOrDefault("MAC");
        cfg.Mac ??= envMac is { Length: > 0 } ? envMac : null;
        if (cfg.Mac is { } mac)
        {
            try
            {
                LinkMessages.ParseMac(mac);
            }
            catch (ArgumentException)
            {
                throw Invalid($"invalid MAC address {GoText.Quote(mac)} for the container interface");
            }
        }
        if (cfg.BridgeName.Length == 0)
            throw Invalid("\"bridge\" must name a bridge (it is empty)");
        return cfg;
    }

    /// <summary>ADD-only rules, checked before anything is created.</summary>
    public void ValidateForAdd()
    {
        if (IsLayer3 && DisableContainerInterface)
            throw Invalid("cannot use IPAM when DisableContainerInterface flag is set");
        if (HairpinMode && PromiscMode)
            throw Invalid("cannot set hairpin mode and promiscuous mode at the same time");
    }

    /// <summary>Go's collectVlanTrunk, with its messages: ranges and single ids, 1-4094, sorted and deduplicated.</summary>
    private static List<int> ReadTrunk(JsonFields root, out bool present)
    {
        present = root.TryGet("vlanTrunk", out _);
        var set = new SortedSet<int>();
        foreach (var item in root.Objects("vlanTrunk", "[]*main.VlanTrunk"))
        {
            if (!item.Exists) continue;
            int? min = item.Int("minID"), max = item.Int("maxID"), id = item.Int("id");
            switch (min, max)
            {
                case ({ } lo, { } hi):
                    if (lo is <= 0 or > MaxVlan) throw Invalid("incorrect trunk minID parameter");
                    if (hi is <= 0 or > MaxVlan) throw Invalid("incorrect trunk maxID parameter");
                    if (hi < lo) throw Invalid("minID is greater than maxID in trunk parameter");
                    for (var v = lo; v <= hi; v++) set.Add(v);
                    break;
                case (null, not null):
                    throw Invalid("minID and maxID should be configured simultaneously, minID is missing");
                case (not null, null):
                    throw Invalid("minID and maxID should be configured simultaneously, maxID is missing");
            }
            if (id is { } single)
            {
                if (single is <= 0 or > MaxVlan) throw Invalid("incorrect trunk id parameter");
                set.Add(single);
            }
        }
        return [.. set];
    }

    private static CniException Invalid(string message) => new(ErrorCode.InvalidNetworkConfig, message);
}
