using System.Text;
using CniBox.Ipam.Dhcp.Rpc;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Ipam.Dhcp;

/// <summary>
/// The dhcp IPAM plugin: every verb is a call to the daemon on <c>daemonSocketPath</c> (one JSON line each way,
/// <see cref="DaemonRequest"/>), which holds the lease. The daemon's errors come back as CNI errors with its code;
/// no daemon is code 999 saying how to start one. CHECK asks whether the daemon still holds the lease.
/// </summary>
public sealed class DhcpPlugin : CniPlugin<DhcpConfig>
{
    /// <summary>Seconds to wait for the daemon's answer; the default outlasts the daemon's own -resendtimeout (208 s).</summary>
    public const string ReplyTimeoutVariable = "CNIBOX_DHCP_REPLY_TIMEOUT";
    public static readonly TimeSpan DefaultReplyTimeout = TimeSpan.FromSeconds(240);

    protected override DhcpConfig Parse(PluginCall call) => DhcpConfig.Parse(call.StdinData, call.Args);

    protected override CniResult Add(PluginCall call, DhcpConfig config)
    {
        var reply = Call(call, config, "ADD");
        return reply.ResultJson is { } json
            ? CniResult.Parse(Encoding.UTF8.GetBytes(json), CniVersion.Current)
            : throw new CniException(ErrorCode.Internal, "dhcp: the daemon answered ADD without a result");
    }

    protected override void Del(PluginCall call, DhcpConfig config) => Call(call, config, "DEL");

    protected override void Check(PluginCall call, DhcpConfig config) => Call(call, config, "CHECK");

    private static DaemonReply Call(PluginCall call, DhcpConfig config, string command)
    {
        var request = new DaemonRequest(command, call.ContainerId, call.Netns, call.IfName, call.Args,
            Encoding.UTF8.GetString(call.StdinData));
        var reply = DaemonClient.Call(config.SocketPath, request, ReplyTimeout(call.Getenv));
        if (reply.ErrorMessage is { } message) throw new CniException(reply.ErrorCode, message);
        return reply;
    }

    private static TimeSpan ReplyTimeout(Func<string, string?> getenv) =>
        double.TryParse(getenv(ReplyTimeoutVariable), System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : DefaultReplyTimeout;
}
