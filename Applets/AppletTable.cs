using CniBox.Applets.Bandwidth;
using CniBox.Applets.Bridge;
using CniBox.Applets.CniTool;
using CniBox.Applets.Dhcp;
using CniBox.Applets.Dummy;
using CniBox.Applets.Firewall;
using CniBox.Applets.Flannel;
using CniBox.Applets.HostDevice;
using CniBox.Applets.Ipvlan;
using CniBox.Applets.Loopback;
using CniBox.Applets.Macvlan;
using CniBox.Applets.Portmap;
using CniBox.Applets.Ptp;
using CniBox.Applets.Sbr;
using CniBox.Applets.Tap;
using CniBox.Applets.Tuning;
using CniBox.Applets.Vlan;
using CniBox.Applets.Vrf;
using CniBox.Ipam;
using CniBox.Ipam.Dhcp;
using CniBox.Ipam.HostLocal;
using CniBox.Ipam.Static;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets;

/// <param name="Name">The applet's name: its symlink, its CNI <c>type</c>, the name it logs and reports under.</param>
/// <param name="InProcess">For an IPAM type: the same plugin, for bridge and ptp to run without fork/exec.</param>
public sealed record AppletEntry(string Name, AppletKind Kind, Func<IApplet> Create, Func<IInProcessPlugin>? InProcess = null);

/// <summary>
/// Every applet in the binary, alphabetical: the one place that names an applet and says what it is.
/// Hand-written: no reflection, no scanning.
/// </summary>
public static class AppletTable
{
    public static readonly IReadOnlyList<AppletEntry> All =
    [
        Meta("bandwidth", () => new BandwidthApplet()),
        Plugin("bridge", () => new BridgeApplet()),
        new("cnitool", AppletKind.Tool, () => new CniToolApplet()),
        new("dhcp", AppletKind.Ipam, () => new DhcpApplet(), () => new DhcpPlugin()),
        Plugin("dummy", () => new DummyApplet()),
        Meta("firewall", () => new FirewallApplet()),
        Plugin("flannel", () => new FlannelApplet()),
        Plugin("host-device", () => new HostDeviceApplet()),
        Ipam("host-local", () => new HostLocalPlugin()),
        Plugin("ipvlan", () => new IpvlanApplet()),
        Plugin("loopback", () => new LoopbackApplet()),
        Plugin("macvlan", () => new MacvlanApplet()),
        Meta("portmap", () => new PortmapApplet()),
        Plugin("ptp", () => new PtpApplet()),
        Meta("sbr", () => new SbrApplet()),
        Ipam("static", () => new StaticPlugin()),
        Plugin("tap", () => new TapApplet()),
        Meta("tuning", () => new TuningApplet()),
        Plugin("vlan", () => new VlanApplet()),
        Meta("vrf", () => new VrfApplet()),
    ];

    /// <summary>How bridge and ptp reach <c>ipam.type</c>: in-process for our IPAM applets, else exec'd from CNI_PATH.</summary>
    public static IIpamInvoker IpamInvoker { get; } = new IpamInvoker(InProcessIpam);

    public static AppletEntry? Find(string name)
    {
        foreach (var entry in All)
            if (entry.Name == name) return entry;
        return null;
    }

    /// <summary>Our implementation of IPAM <paramref name="type"/>, or null when the type must be exec'd.</summary>
    public static IInProcessPlugin? InProcessIpam(string type) => Find(type)?.InProcess?.Invoke();

    private static AppletEntry Plugin(string name, Func<IApplet> create) => new(name, AppletKind.Plugin, create);

    private static AppletEntry Meta(string name, Func<IApplet> create) => new(name, AppletKind.Meta, create);

    private static AppletEntry Ipam<T>(string name, Func<T> create) where T : IApplet, IInProcessPlugin =>
        new(name, AppletKind.Ipam, () => create(), () => create());
}
