using CniBox.Spec;
using CniBox.Spec.Invoke;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Ipam;

/// <summary>How an L3 applet reaches its IPAM plugin (<c>ipam.type</c>) with its own env and complete config.</summary>
public interface IIpamInvoker
{
    CniResult Add(PluginCall call, string type);
    void Del(PluginCall call, string type);
    void Check(PluginCall call, string type);
    void Gc(PluginCall call, string type);
    void Status(PluginCall call, string type);

    /// <summary>The IPAM config's errors before anything is created, where the IPAM runs in-process (else nothing).</summary>
    void Validate(PluginCall call, string type) { }
}

/// <summary>
/// Finds <c>type</c> in CNI_PATH as libcni does. When that file is this very binary and we implement the type,
/// the call runs in-process (no fork/exec); otherwise the file is exec'd, so dhcp or a third-party IPAM still works.
/// In-process results go through the same print-and-parse in the config's version as an exec'd plugin's would.
/// </summary>
/// <param name="ours">The in-process plugin for an IPAM type, null when the type must be exec'd. The applet table
/// supplies it (Ipam does not know the applets).</param>
public sealed class IpamInvoker(Func<string, IInProcessPlugin?> ours, Func<string, bool>? isSelf = null) : IIpamInvoker
{
    private readonly Func<string, bool> _isSelf = isSelf ?? PluginFinder.IsSelf;

    public CniResult Add(PluginCall call, string type)
    {
        var request = call with { Command = CniCommand.Add };
        if (InProcess(call, type, out var path) is { } ipam)
        {
            var result = ipam.Handle(request)
                ?? throw new CniException(ErrorCode.Internal, $"IPAM plugin {type} returned no result");
            return CniResult.Parse(System.Text.Encoding.UTF8.GetBytes(result.ToJson(call.CniVersion)), call.CniVersion);
        }
        var stdout = PluginExec.Run(path, ExecRequest.From(call, CniCommand.Add), call.Context.Stderr);
        return CniResult.Parse(stdout, call.CniVersion);
    }

    public void Validate(PluginCall call, string type) =>
        InProcess(call, type, out _)?.Validate(call with { Command = CniCommand.Add });

    public void Del(PluginCall call, string type) => Run(call, type, CniCommand.Del);

    public void Check(PluginCall call, string type) => Run(call, type, CniCommand.Check);

    public void Gc(PluginCall call, string type) => Run(call, type, CniCommand.Gc);

    public void Status(PluginCall call, string type) => Run(call, type, CniCommand.Status);

    private void Run(PluginCall call, string type, CniCommand command)
    {
        if (InProcess(call, type, out var path) is { } ipam)
            ipam.Handle(call with { Command = command });
        else
            PluginExec.Run(path, ExecRequest.From(call, command), call.Context.Stderr);
    }

    private IInProcessPlugin? InProcess(PluginCall call, string type, out string path)
    {
        if (string.IsNullOrEmpty(type))
            throw new CniException(ErrorCode.InvalidNetworkConfig, "IPAM config missing 'type' key");
        path = PluginFinder.Find(type, call.Path);
        return _isSelf(path) ? ours(type) : null;
    }
}
