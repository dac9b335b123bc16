using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Bandwidth;

/// <summary>
/// A container attached by our ptp applet in a throwaway node netns, ready for bandwidth to be chained after it:
/// the processes are the published binary through its applet symlinks, as a runtime runs them.
/// </summary>
public sealed class BandwidthChain : IDisposable
{
    public const string Network = "cbt-bwnet";

    public BandwidthChain(string tag, string subnet, string containerId = "cbt-bw-c1", string bandwidth = "")
    {
        Net = new NetHarness(tag);
        Container = Net.Container(tag + "c");
        ContainerId = containerId;
        Bandwidth = bandwidth;
        var ptpConf = NetHarness.Conf("ptp", "1.0.0", Net.HostLocal(subnet), name: Network);
        PtpResult = CniAssert.Success(Net.Run(Binaries.Applet("ptp"), "ADD", ptpConf, Container.Path, containerId));
        HostVeth = PtpResult.GetProperty("interfaces")[0].GetProperty("name").GetString()!;
    }

    public NetHarness Net { get; }
    public TestNetns Container { get; }
    public string ContainerId { get; }
    public JsonElement PtpResult { get; }

    /// <summary>The host end of the container's veth, named by ptp.</summary>
    public string HostVeth { get; }

    /// <summary>The bandwidth keys (without braces) every <see cref="Conf"/> carries.</summary>
    public string Bandwidth { get; }

    /// <summary>bandwidth's config at <paramref name="version"/> with ptp's result as prevResult (none when <paramref name="prev"/> is false).</summary>
    public string Conf(string version = "1.0.0", bool prev = true, string? bandwidth = null)
    {
        var keys = bandwidth ?? Bandwidth;
        var conf = NetHarness.Conf("bandwidth", version, "", keys.Length > 0 ? "," + keys : "", Network);
        return prev ? CniJson.WithPrevResult(conf, PtpResult.GetRawText()) : conf;
    }

    public ProcessResult Run(string verb, string conf, string? netns = null, string? containerId = null, string? plugin = null) =>
        Net.Run(plugin ?? Binaries.Applet("bandwidth"), verb, conf, netns ?? Container.Path, containerId ?? ContainerId);

    public IReadOnlyList<string> Ifbs() => NetHarness.Links(Net.Host).Where(l => l.StartsWith("bwp")).ToList();

    public void Dispose() => Net.Dispose();
}
