using CniBox.Ipam.Dhcp;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Dhcp;

/// <summary><c>dhcp daemon [flags]</c> runs the daemon (<see cref="DhcpDaemonCommand"/>); anything else is the IPAM plugin.</summary>
public sealed class DhcpApplet : IApplet
{
    public int Run(AppletContext ctx) =>
        ctx.Args.Count > 0 && ctx.Args[0] == "daemon"
            ? DhcpDaemonCommand.Run(ctx, ctx.Args.Skip(1).ToList())
            : new DhcpPlugin().Run(ctx);
}
