using CniBox.Applets.Bridge;
using CniBox.Applets.CniTool;
using CniBox.Applets.Loopback;
using CniBox.Applets.Ptp;
using CniBox.Ipam;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets;

public sealed record AppletEntry(string Name, AppletKind Kind, Func<IApplet> Create);

/// <summary>Every applet in the binary, alphabetical. Hand-written: no reflection, no scanning.</summary>
public static class AppletTable
{
    public static readonly IReadOnlyList<AppletEntry> All =
    [
        new("bridge", AppletKind.Plugin, () => new BridgeApplet()),
        new("cnitool", AppletKind.Tool, () => new CniToolApplet()),
        new("host-local", AppletKind.Ipam, () => new IpamApplet("host-local", IpamRegistry.Create("host-local")!)),
        new("loopback", AppletKind.Plugin, () => new LoopbackApplet()),
        new("ptp", AppletKind.Plugin, () => new PtpApplet()),
        new("static", AppletKind.Ipam, () => new IpamApplet("static", IpamRegistry.Create("static")!)),
    ];

    public static AppletEntry? Find(string name)
    {
        foreach (var entry in All)
            if (entry.Name == name) return entry;
        return null;
    }
}
