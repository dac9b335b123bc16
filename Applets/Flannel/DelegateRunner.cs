using System.Text;
using CniBox.Spec;
using CniBox.Spec.Invoke;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Flannel;

/// <summary>
/// invoke.DelegateAdd/DelegateDel: the delegate type is found in CNI_PATH as libcni finds it; when that file is this
/// very binary and the type is one of our plugins, it runs in this process (no second fork/exec), otherwise the
/// file is exec'd with the caller's env and the delegate config on stdin. Both paths hand back the same result: an
/// in-process one goes through the print-and-parse an exec'd plugin's stdout would.
/// </summary>
public sealed class DelegateRunner(Func<string, IInProcessPlugin?> ours, Func<string, bool>? isSelf = null)
{
    private readonly Func<string, bool> _isSelf = isSelf ?? PluginFinder.IsSelf;

    /// <summary>Our plugin applets (not tools, not flannel itself, which would only call itself again).</summary>
    public static IInProcessPlugin? OurPlugin(string type) =>
        type != "flannel" && AppletTable.Find(type) is { Kind: not AppletKind.Tool } entry ? entry.Create() as IInProcessPlugin : null;

    /// <summary>The delegate's file in CNI_PATH; FindInPath's error (code 7 or 999) when there is none.</summary>
    public string Locate(PluginCall call, string type) => PluginFinder.Find(type, call.Path);

    public CniResult Add(PluginCall call, string type, byte[] conf)
    {
        var request = Request(call, CniCommand.Add, conf);
        if (InProcess(call, type, out var path) is { } plugin)
        {
            var result = plugin.Handle(request)
                ?? throw new CniException(ErrorCode.Internal, $"delegate plugin {type} returned no result");
            return CniResult.Parse(Encoding.UTF8.GetBytes(result.ToJson(request.CniVersion)), request.CniVersion);
        }
        var stdout = PluginExec.Run(path, ExecRequest.From(request, CniCommand.Add), call.Context.Stderr);
        return CniResult.Parse(stdout, request.CniVersion);
    }

    public void Del(PluginCall call, string type, byte[] conf)
    {
        var request = Request(call, CniCommand.Del, conf);
        if (InProcess(call, type, out var path) is { } plugin)
            plugin.Handle(request);
        else
            PluginExec.Run(path, ExecRequest.From(request, CniCommand.Del), call.Context.Stderr);
    }

    private static PluginCall Request(PluginCall call, CniCommand command, byte[] conf)
    {
        var header = ConfigHeader.Parse(conf);
        return call with { Command = command, StdinData = conf, CniVersion = header.CniVersion, NetworkName = header.Name };
    }

    private IInProcessPlugin? InProcess(PluginCall call, string type, out string path)
    {
        path = PluginFinder.Find(type, call.Path);
        return _isSelf(path) ? ours(type) : null;
    }
}
