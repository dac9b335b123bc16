using CniBox.Applets.HostLocal;
using CniBox.Applets.Loopback;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets;

public sealed record AppletEntry(string Name, AppletKind Kind, Func<IApplet> Create);

/// <summary>Every applet in the binary, alphabetical. Hand-written: no reflection, no scanning.</summary>
public static class AppletTable
{
    public static readonly IReadOnlyList<AppletEntry> All =
    [
        new("host-local", AppletKind.Ipam, () => new HostLocalApplet()),
        new("loopback", AppletKind.Plugin, () => new LoopbackApplet()),
    ];

    public static AppletEntry? Find(string name)
    {
        foreach (var entry in All)
            if (entry.Name == name) return entry;
        return null;
    }
}
