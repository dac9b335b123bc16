using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Spec;
using CniBox.Spec.Json;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Tuning;

/// <summary>
/// Every key of Go's tuning 1.9.1 (TuningConf), with parseConf's precedence: <c>mac</c> &lt; CNI_ARGS <c>MAC</c>
/// &lt; <c>runtimeConfig.mac</c> &lt; <c>args.cni.mac</c>; <c>args.cni.*</c> override the top-level keys and
/// <c>args.cni.sysctl</c> adds to (and overrides entries of) <c>sysctl</c>.
/// </summary>
public sealed class TuningConfig : IChainedConfig
{
    public const string DefaultDataDir = "/run/cni/tuning";
    public const string DefaultAllowlist = "/etc/cni/tuning/allowlist.conf";

    public required PluginConfig Config { get; init; }
    public string DataDir { get; init; } = DefaultDataDir;

    /// <summary>The sysctl keys as written (dotted, <c>IFNAME</c> not yet replaced), in document order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Sysctls { get; init; } = [];

    /// <summary>The MAC as the config writes it ("" for none): Go compares and reports this text, not a normal form.</summary>
    public string Mac { get; init; } = "";
    public bool Promisc { get; init; }
    public int Mtu { get; init; }
    public bool? Allmulti { get; init; }
    public int? TxQLen { get; init; }

    /// <summary>Whether ADD touches the link's attributes (Go then backs them up first).</summary>
    public bool ChangesLink => Mac.Length > 0 || Mtu != 0 || Promisc || Allmulti is not null || TxQLen is not null;

    // Go prints the anonymous struct types of TuningConf.RuntimeConfig and TuningConf.Args in its type errors.
    private const string RuntimeConfigType = "struct { Mac string \"json:\\\"mac,omitempty\\\"\" }";
    private const string ArgsType = "struct { A *main.IPAMArgs \"json:\\\"cni\\\"\" }";

    /// <summary>
    /// ADD and CHECK first run Go's validateSysctlConflictingKeys over stdin; ADD then checks the allowlist
    /// (<paramref name="allowlistPath"/>, enforced only when the file exists). DEL reads the config alone.
    /// </summary>
    public static TuningConfig Parse(byte[] stdin, string cniArgs, CniCommand command, string allowlistPath = DefaultAllowlist)
    {
        if (command is CniCommand.Add or CniCommand.Check) TuningSysctls.RejectDuplicateKeys(stdin);
        var keys = PluginConfig.Parse(stdin, c => Read(c, JsonFields.Root(c.Root.Element, "main.TuningConf")));
        // CNI_ARGS is read (and its unknown keys refused) after the JSON, whatever the JSON says, as Go does.
        var envMac = string.IsNullOrEmpty(cniArgs) ? null : CniArgs.Parse(cniArgs, ["MAC"]).GetValueOrDefault("MAC");
        var config = keys.ToConfig(envMac);
        if (command == CniCommand.Add) TuningSysctls.CheckAllowlist(config.Sysctls, allowlistPath);
        return config;
    }

    private static Keys Read(PluginConfig c, JsonFields r)
    {
        var keys = new Keys(c)
        {
            DataDir = r.String("dataDir"),
            Mac = r.String("mac") ?? "",
            Promisc = r.Bool("promisc") ?? false,
            Mtu = r.Int("mtu") ?? 0,
            TxQLen = r.Int("txQLen"),
            Allmulti = r.Bool("allmulti"),
        };
        keys.Sysctls = TuningSysctls.ReadMap(r, "sysctl");
        keys.RuntimeMac = r.Object("runtimeConfig", RuntimeConfigType, owner: "").String("mac");
        var a = r.Object("args", ArgsType, owner: "").Object("cni", "main.IPAMArgs");
        if (a.Exists)
        {
            keys.ArgsSysctls = TuningSysctls.ReadMap(a, "sysctl");
            keys.ArgsMac = a.String("mac");
            keys.ArgsPromisc = a.Bool("promisc");
            keys.ArgsMtu = a.Int("mtu");
            keys.ArgsAllmulti = a.Bool("allmulti");
            keys.ArgsTxQLen = a.Int("txQLen");
        }
        return keys;
    }

    /// <summary>What the JSON says, level by level, so that CNI_ARGS can take its place in Go's order.</summary>
    private sealed class Keys(PluginConfig config)
    {
        public string? DataDir;
        public string Mac = "";
        public bool Promisc;
        public int Mtu;
        public int? TxQLen;
        public bool? Allmulti;
        public OrderedDictionary<string, string>? Sysctls;
        public string? RuntimeMac;
        public OrderedDictionary<string, string>? ArgsSysctls;
        public string? ArgsMac;
        public bool? ArgsPromisc;
        public int? ArgsMtu;
        public bool? ArgsAllmulti;
        public int? ArgsTxQLen;

        public TuningConfig ToConfig(string? envMac)
        {
            var sysctls = Sysctls ?? [];
            // Go assigns into a nil map here and panics when only args.cni.sysctl is given; we take them.
            foreach (var (key, value) in ArgsSysctls ?? []) sysctls[key] = value;
            var mac = Mac;
            if (!string.IsNullOrEmpty(envMac)) mac = envMac;
            if (!string.IsNullOrEmpty(RuntimeMac)) mac = RuntimeMac;
            if (ArgsMac is not null) mac = ArgsMac;
            return new TuningConfig
            {
                Config = config,
                DataDir = string.IsNullOrEmpty(DataDir) ? DefaultDataDir : DataDir,
                Sysctls = [.. sysctls],
                Mac = mac,
                Promisc = ArgsPromisc ?? Promisc,
                Mtu = ArgsMtu ?? Mtu,
                Allmulti = ArgsAllmulti ?? Allmulti,
                TxQLen = ArgsTxQLen ?? TxQLen,
            };
        }
    }
}
