using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Spec;
using CniBox.Spec.Json;

namespace CniBox.Applets.Bandwidth;

/// <summary>One set of limits: rates in bit/s, bursts in bits (Go's BandwidthEntry).</summary>
public sealed record BandwidthEntry(ulong IngressRate, ulong IngressBurst, ulong EgressRate, ulong EgressBurst)
{
    public bool IsZero => IngressRate == 0 && IngressBurst == 0 && EgressRate == 0 && EgressBurst == 0;

    /// <summary>Go shapes a direction only when both its rate and its burst are non-zero.</summary>
    public bool ShapesIngress => IngressRate > 0 && IngressBurst > 0;

    public bool ShapesEgress => EgressRate > 0 && EgressBurst > 0;
}

/// <summary>
/// bandwidth's config as Go 1.1.1's parseConfig reads it: the top-level <c>ingressRate</c>, <c>ingressBurst</c>,
/// <c>egressRate</c>, <c>egressBurst</c> (an embedded *BandwidthEntry, so naming any of them, even as null, makes
/// the top level win) else <c>runtimeConfig.bandwidth</c> (CRI sends it as IngressRate...: keys fold). Go's texts;
/// as everywhere in cnibox, a decoding error is code 6 and a refused value code 7 where Go says 999.
/// </summary>
public sealed class BandwidthConfig : IChainedConfig
{
    private static readonly string[] Keys = ["ingressRate", "ingressBurst", "egressRate", "egressBurst"];

    private const string RuntimeConfigType = "struct { Bandwidth *main.BandwidthEntry \"json:\\\"bandwidth,omitempty\\\"\" }";

    public required PluginConfig Config { get; init; }

    /// <summary>The limits in force; null when the config names none.</summary>
    public BandwidthEntry? Bandwidth { get; init; }

    public static BandwidthConfig Parse(byte[] stdin)
    {
        var config = PluginConfig.Parse(stdin, c =>
        {
            var root = JsonFields.Root(c.Root.Element, "main.PluginConf");
            var runtime = root.Object("runtimeConfig", RuntimeConfigType, owner: "").Object("bandwidth", "main.BandwidthEntry");
            var topLevel = Keys.Any(root.Has) ? Read(root) : null;
            var fromRuntime = runtime.Exists ? Read(runtime) : null;
            return new BandwidthConfig { Config = c, Bandwidth = topLevel ?? fromRuntime };
        }, ErrorCode.DecodingFailure, "failed to parse network configuration: ");
        if (config.Bandwidth is { } bw)
        {
            ValidateRateAndBurst(bw.IngressRate, bw.IngressBurst);
            ValidateRateAndBurst(bw.EgressRate, bw.EgressBurst);
        }
        return config;
    }

    private static BandwidthEntry Read(JsonFields f) =>
        new(f.ULong("ingressRate") ?? 0, f.ULong("ingressBurst") ?? 0, f.ULong("egressRate") ?? 0, f.ULong("egressBurst") ?? 0);

    /// <summary>Go's validateRateAndBurst; the burst in bytes must stay under 4 GiB (tc's u32 bucket).</summary>
    private static void ValidateRateAndBurst(ulong rate, ulong burst)
    {
        if (burst == 0 && rate != 0) throw Fail("if rate is set, burst must also be set");
        if (rate == 0 && burst != 0) throw Fail("if burst is set, rate must also be set");
        if (burst / 8 >= uint.MaxValue) throw Fail("burst cannot be more than 4GB");
    }

    private static CniException Fail(string message) => new(ErrorCode.InvalidNetworkConfig, message);
}
