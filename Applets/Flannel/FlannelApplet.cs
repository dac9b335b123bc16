using System.Text;
using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Config;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Flannel;

/// <summary>
/// The flannel meta plugin (flannel-io/cni-plugin): ADD builds the delegate config from subnet.env, saves it and
/// runs the delegate (bridge by default); DEL replays the saved config. Beyond flannel: GC drops the saved configs
/// of attachments no longer valid, STATUS fails (code 50) while subnet.env cannot be read, so a runtime keeps the
/// node NotReady instead of failing pods.
/// </summary>
public sealed class FlannelApplet(DelegateRunner? runner = null) : CniPlugin<FlannelConfig?>
{
    private readonly DelegateRunner _runner = runner ?? new DelegateRunner(DelegateRunner.OurPlugin);

    // Go's cmdCheck is a no-op that reads nothing.
    protected override FlannelConfig? Parse(PluginCall call) =>
        call.Command == CniCommand.Check ? null : FlannelConfig.Parse(call.StdinData);

    protected override CniResult Add(PluginCall call, FlannelConfig? config)
    {
        var env = LoadSubnetEnv(config!, ErrorCode.Internal);
        DelegateConf conf;
        try
        {
            conf = FlannelDelegate.Build(config!, env);
        }
        catch (FormatException e)
        {
            throw new CniException(ErrorCode.Internal, e.Message);
        }
        call.Log.Debug("flannel delegate for {ContainerId}: {Delegate}", call.ContainerId, conf.Json);
        // Unlike flannel, a delegate that cannot run (a bad type name, none in CNI_PATH) is refused before the
        // scratch file is written: a failed ADD leaves nothing behind for a DEL that may never come.
        _runner.Locate(call, conf.Type);
        try
        {
            new DelegateFiles(config!.DataDir).Save(call.ContainerId, conf.Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(ErrorCode.Internal, e.Message);
        }
        return _runner.Add(call, conf.Type, Encoding.UTF8.GetBytes(conf.Json));
    }

    protected override void Del(PluginCall call, FlannelConfig? config)
    {
        var files = new DelegateFiles(config!.DataDir);
        if (files.Read(call.ContainerId) is not { } saved) return;
        string type;
        try
        {
            using var doc = JsonDocument.Parse(saved);
            type = NetConf.FromElement(doc.RootElement).Type ?? "";
        }
        catch (JsonException e)
        {
            // As flannel: an unreadable file is left, and DEL succeeds (the interface goes with the node's reboot).
            call.Log.Warning("failed to parse netconf: {Error}", e.Message);
            return;
        }
        _runner.Del(call, type, saved);
        // flannel removes the file whatever happened; kept after a failed delegate DEL or one without CNI_NETNS
        // (the container's end was out of reach), the runtime's retry replays it and removes the rest. GC drops
        // what no retry comes for.
        if (call.Netns.Length > 0) files.Remove(call.ContainerId);
    }

    protected override void Check(PluginCall call, FlannelConfig? config) { }

    protected override void Gc(PluginCall call, FlannelConfig? config)
    {
        var valid = GcAttachments.ReadValid(call.StdinData).Select(a => a.ContainerId).ToHashSet(StringComparer.Ordinal);
        var files = new DelegateFiles(config!.DataDir);
        foreach (var id in files.ContainerIds())
        {
            if (valid.Contains(id)) continue;
            call.Log.Debug("flannel GC: removing the saved delegate of {ContainerId}", id);
            files.Remove(id);
        }
    }

    protected override void Status(PluginCall call, FlannelConfig? config) => LoadSubnetEnv(config!, ErrorCode.NotAvailable);

    private static SubnetEnv LoadSubnetEnv(FlannelConfig config, int code)
    {
        try
        {
            return SubnetEnv.Load(config.SubnetFile);
        }
        catch (FormatException e)
        {
            throw new CniException(code, $"failed to load flannel 'subnet.env' file: {e.Message}. Check the flannel pod log for this node.");
        }
    }
}
