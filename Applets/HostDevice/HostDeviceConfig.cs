using CniBox.Applets.Common;
using CniBox.Spec;
using CniBox.Spec.Json;

namespace CniBox.Applets.HostDevice;

/// <summary>
/// host-device's keys as Go 1.9.1's loadConf reads them: <c>device</c>, <c>hwaddr</c>, <c>kernelpath</c>,
/// <c>pciBusID</c>, and <c>runtimeConfig.deviceID</c>, which replaces <c>pciBusID</c>. One of them is required; a PCI
/// device bound to a userspace (DPDK) driver is neither moved nor configured. A refused value is code 7 where Go
/// says 999, as everywhere in cnibox.
/// </summary>
public sealed record HostDeviceConfig
{
    public const string SysBusPci = "/sys/bus/pci/devices";

    /// <summary>The drivers Go counts as userspace-bound (DPDK).</summary>
    public static readonly string[] UserspaceDrivers = ["vfio-pci", "uio_pci_generic", "igb_uio"];

    private const string RuntimeConfigType = "struct { DeviceID string \"json:\\\"deviceID,omitempty\\\"\" }";

    public required PluginConfig Config { get; init; }
    public string Device { get; init; } = "";
    public string HwAddr { get; init; } = "";
    public string KernelPath { get; init; } = "";
    public string PciBusId { get; init; } = "";

    /// <summary>The PCI device is bound to a userspace driver: ADD returns no interface and moves nothing.</summary>
    public bool DpdkMode { get; init; }

    public string IpamType => Config.IpamType;

    public static HostDeviceConfig Parse(byte[] stdin, string sysBusPci = SysBusPci)
    {
        var config = PluginConfig.Parse(stdin, c =>
        {
            var deviceId = c.Root.Object("runtimeConfig", RuntimeConfigType, owner: "").String("deviceID") ?? "";
            return new HostDeviceConfig
            {
                Config = c,
                Device = c.Root.String("device") ?? "",
                HwAddr = c.Root.String("hwaddr") ?? "",
                KernelPath = c.Root.String("kernelpath") ?? "",
                PciBusId = deviceId.Length > 0 ? deviceId : c.Root.String("pciBusID") ?? "",
            };
        });
        if (config.Device.Length == 0 && config.HwAddr.Length == 0 && config.KernelPath.Length == 0 && config.PciBusId.Length == 0)
            throw new CniException(ErrorCode.InvalidNetworkConfig, "specify either \"device\", \"hwaddr\", \"kernelpath\" or \"pciBusID\"");
        foreach (var (key, value) in new[] { ("device", config.Device), ("hwaddr", config.HwAddr), ("kernelpath", config.KernelPath), ("pciBusID", config.PciBusId) })
            if (value.Contains('\0')) throw new CniException(ErrorCode.InvalidNetworkConfig, $"invalid {key} {GoText.Quote(value)}: it has a NUL byte");
        return config.PciBusId.Length == 0 ? config : config with { DpdkMode = HasUserspaceDriver(sysBusPci, config.PciBusId) };
    }

    /// <summary>Go's hasDpdkDriver: the name of the directory <c>&lt;pci&gt;/driver</c> resolves to.</summary>
    private static bool HasUserspaceDriver(string sysBusPci, string pciAddress)
    {
        var driverLink = Path.Combine(sysBusPci, pciAddress, "driver");
        FileSystemInfo? target = null;
        try
        {
            var link = new DirectoryInfo(driverLink);
            target = link.LinkTarget is null ? link : link.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException)
        {
        }
        if (target is null || !target.Exists)
            throw new CniException(ErrorCode.InvalidNetworkConfig, $"error with host device: lstat {driverLink}: no such file or directory");
        return UserspaceDrivers.Contains(target.Name);
    }
}
