using System.Text;
using System.Text.Json;
using CniBox.Netlink.Links;
using CniBox.Spec;
using CniBox.Spec.Json;

namespace CniBox.Applets.Tuning;

/// <summary>
/// <c>&lt;dataDir&gt;/&lt;containerId&gt;_&lt;ifname&gt;.json</c>: Go's configToRestore (the link attributes ADD is about
/// to change, as they were), written as Go's MarshalIndent with a one-space indent, plus one key Go's decoder
/// ignores, <c>previousSysctls</c>: the files ADD wrote and their values before (Go restores no sysctl, upstream
/// #540). Go's DEL reads our file and restores the attributes; we read Go's and find no sysctls.
/// </summary>
public sealed record TuningBackup
{
    public const string PreviousSysctlsKey = "previousSysctls";

    public string Mac { get; init; } = "";
    public bool? Promisc { get; init; }
    public int Mtu { get; init; }
    public bool? Allmulti { get; init; }
    public int? TxQLen { get; init; }

    /// <summary>Absolute /proc/sys/net files and their previous values, in the order ADD wrote them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Sysctls { get; init; } = [];

    /// <summary>Go's path.Join(dataDir, containerID+"_"+ifName+".json").</summary>
    public static string PathFor(string dataDir, string containerId, string ifName) =>
        Path.Join(dataDir, $"{containerId}_{ifName}.json");

    /// <summary>Go's createBackup: the link's current value of each attribute the config changes, nothing else.</summary>
    public static TuningBackup Of(TuningConfig config, LinkInfo? link, IReadOnlyList<KeyValuePair<string, string>> previousSysctls) =>
        link is null
            ? new TuningBackup { Sysctls = previousSysctls }
            : new TuningBackup
            {
                Mac = config.Mac.Length > 0 ? link.Mac ?? "" : "",
                Promisc = config.Promisc ? link.IsPromisc : null,
                Mtu = config.Mtu != 0 ? link.Mtu : 0,
                Allmulti = config.Allmulti is not null ? link.IsAllMulti : null,
                TxQLen = config.TxQLen is not null ? link.TxQueueLength : null,
                Sysctls = previousSysctls,
            };

    /// <summary>Whether there is a link attribute to restore (the part Go's file holds).</summary>
    public bool HasAttributes => Mac.Length > 0 || Promisc is not null || Mtu != 0 || Allmulti is not null || TxQLen is not null;

    public string ToJson()
    {
        var w = new GoJsonWriter(indented: true, indentWidth: 1).StartObject();
        if (Mac.Length > 0) w.Property("mac", Mac);
        if (Promisc is { } promisc) w.Name("promisc").Bool(promisc);
        if (Mtu != 0) w.Property("mtu", Mtu);
        if (Allmulti is { } allmulti) w.Name("allmulti").Bool(allmulti);
        if (TxQLen is { } txQLen) w.Property("txQLen", txQLen);
        if (Sysctls.Count > 0)
        {
            w.Name(PreviousSysctlsKey).StartObject();
            foreach (var (file, value) in Sysctls) w.Property(file, value);
            w.EndObject();
        }
        return w.EndObject().ToString();
    }

    /// <summary>
    /// The file as Go's json.Unmarshal into configToRestore reads it (keys fold, last wins); null when Go would
    /// fail to decode it, or when <c>previousSysctls</c> is malformed or names a file outside /proc/sys/net.
    /// </summary>
    public static TuningBackup? Parse(byte[] json)
    {
        try
        {
            var r = JsonFields.Root(GoJsonInput.Parse(json).RootElement, "main.configToRestore");
            var sysctls = new List<KeyValuePair<string, string>>();
            foreach (var (file, value) in TuningSysctls.ReadMap(r, PreviousSysctlsKey) ?? [])
            {
                if (!TuningSysctls.IsNetFile(file)) return null;
                sysctls.Add(new(file, value));
            }
            return new TuningBackup
            {
                Mac = r.String("mac") ?? "",
                Promisc = r.Bool("promisc"),
                Mtu = r.Int("mtu") ?? 0,
                Allmulti = r.Bool("allmulti"),
                TxQLen = r.Int("txQLen"),
                Sysctls = sysctls,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Creates the dataDir (0700) and the file (0600), with Go's error texts.</summary>
    public void Write(string path, string ifName)
    {
        var dir = Path.GetDirectoryName(path)!;
        try
        {
            StateDirectories.Create(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(ErrorCode.Internal, $"failed to create backup directory: {e.Message}");
        }
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            using var file = new FileStream(path, options);
            file.Write(Encoding.UTF8.GetBytes(ToJson()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(ErrorCode.Internal, $"failed to save file {ifName}.json: {e.Message}");
        }
    }
}
