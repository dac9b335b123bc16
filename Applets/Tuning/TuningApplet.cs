using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Netlink.Links;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Json;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Tuning;

/// <summary>
/// The tuning meta plugin (Go 1.9.1): sysctls and link attributes of the container interface. ADD records what it
/// changes in a backup file first; DEL puts the attributes back as Go does and, unlike Go, the sysctls too.
/// </summary>
/// <param name="allowlistPath">The sysctl allowlist; tests point it elsewhere.</param>
public sealed partial class TuningApplet(string allowlistPath = TuningConfig.DefaultAllowlist) : ChainedPlugin<TuningConfig>
{
    protected override string MissingOnAdd => "Required prevResult missing";

    protected override TuningConfig Parse(PluginCall call) =>
        TuningConfig.Parse(call.StdinData, call.Args, call.Command, allowlistPath);

    protected override void Add(PluginCall call, TuningConfig config, CniResult prevResult)
    {
        byte[]? mac = null;
        if (config.Mac.Length > 0)
        {
            mac = GoMac.TryParse(config.Mac) ?? throw new CniException(ErrorCode.InvalidNetworkConfig,
                $"invalid args {config.Mac} for MAC addr: {GoMac.InvalidText(config.Mac)}");
        }
        var writes = new List<KeyValuePair<string, string>>(config.Sysctls.Count);
        var files = new List<string>(config.Sysctls.Count);
        foreach (var (key, value) in config.Sysctls)
        {
            var file = TuningSysctls.FileOf(key, call.IfName);
            writes.Add(new(file, value));
            files.Add(file);
        }
        using var ns = ContainerNetns.Open(call.Netns);
        if (writes.Count == 0 && !config.ChangesLink) return;
        var previous = TuningSysctlFiles.ReadPrevious(ns, files);
        using var rtnl = config.ChangesLink ? RtnlHandle.Open(ns) : null;
        var link = rtnl is null ? null : rtnl.GetLink(call.IfName)
            ?? throw new CniException(ErrorCode.Internal, $"failed to get {GoText.Quote(call.IfName)}: Link not found");
        var backup = TuningBackup.Of(config, link, previous);
        var backupPath = TuningBackup.PathFor(config.DataDir, call.ContainerId, call.IfName);
        // Go writes one whenever the link changes; we also when there are sysctl values to put back.
        var backedUp = config.ChangesLink || backup.Sysctls.Count > 0;
        if (backedUp) backup.Write(backupPath, call.IfName);
        try
        {
            TuningSysctlFiles.Write(ns, writes);
            if (rtnl is not null && link is not null) TuningLink.Apply(rtnl, link, config, mac);
        }
        catch
        {
            Rollback.Run(call.Log, "link attributes", () => Warn(call, rtnl is null || link is null ? [] : TuningLink.Restore(rtnl, link.Index, backup)));
            Rollback.Run(call.Log, "sysctls", () => Warn(call, TuningSysctlFiles.Restore(ns, backup.Sysctls)));
            if (backedUp) Rollback.Run(call.Log, "backup file", () => File.Delete(backupPath));
            throw;
        }
        if (mac is not null)
        {
            foreach (var iface in prevResult.Interfaces)
                if (iface.Name == call.IfName) iface.Mac = config.Mac;
        }
    }

    /// <summary>
    /// Puts back what the backup holds and removes it. Always succeeds: no backup, no netns, a link that is gone.
    /// With CNI_NETNS empty the file stays for the DEL with a netns that may follow (as Go); a netns that is gone
    /// took the changed state with it, so the file goes. A failed restore is logged and the file kept, as Go does.
    /// </summary>
    protected override void Del(PluginCall call, TuningConfig config, CniResult? prevResult)
    {
        var backupPath = TuningBackup.PathFor(config.DataDir, call.ContainerId, call.IfName);
        if (!File.Exists(backupPath) || call.Netns.Length == 0) return;
        using var rtnl = ContainerNetns.TryOpenRtnl(call.Netns);
        if (rtnl is null)
        {
            File.Delete(backupPath);
            return;
        }
        var backup = TuningBackup.Parse(File.ReadAllBytes(backupPath));
        if (backup is null)
        {
            call.Log.Warning("tuning: {Path} is not a backup this plugin can read; removed", backupPath);
            File.Delete(backupPath);
            return;
        }
        var errors = new List<string>();
        if (backup.HasAttributes && rtnl.GetLink(call.IfName) is { } link) errors.AddRange(TuningLink.Restore(rtnl, link.Index, backup));
        errors.AddRange(TuningSysctlFiles.Restore(rtnl.Namespace, backup.Sysctls));
        if (errors.Count > 0)
        {
            Warn(call, errors);
            return;
        }
        File.Delete(backupPath);
    }

    private static void Warn(PluginCall call, List<string> errors)
    {
        if (errors.Count > 0) call.Log.Warning("tuning: {Errors}", string.Join("; ", errors));
    }
}
