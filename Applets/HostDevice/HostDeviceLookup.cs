using CniBox.Applets.Common;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;

namespace CniBox.Applets.HostDevice;

/// <summary>
/// Go's getLink: the node's link named by <c>device</c>, else the one with MAC <c>hwaddr</c>, else the first entry of
/// <c>&lt;kernelpath&gt;/net</c> that is a link, else the first entry of the PCI device's <c>net</c> directory
/// (or <c>virtio*/net</c>). Sysfs is read as the calling process sees it (the node's netns under <c>ip netns exec</c>).
/// Every failure is worded "failed to find host device: ..." as Go's cmdAdd wraps it.
/// </summary>
public static class HostDeviceLookup
{
    public static LinkInfo Find(RtnlHandle host, HostDeviceConfig cfg, string sysBusPci = HostDeviceConfig.SysBusPci)
    {
        try
        {
            return FindUnwrapped(host, cfg, sysBusPci);
        }
        catch (CniException e)
        {
            throw new CniException(e.Code, "failed to find host device: " + e.Message);
        }
    }

    private static LinkInfo FindUnwrapped(RtnlHandle host, HostDeviceConfig cfg, string sysBusPci)
    {
        if (cfg.Device.Length > 0)
            return ByName(host, cfg.Device);
        if (cfg.HwAddr.Length > 0)
        {
            var mac = ParseMac(cfg.HwAddr);
            // GoMac.TryParse, not ParseMac: a tunnel's 4-byte or InfiniBand's 20-byte address must not match, nor throw.
            return host.DumpLinks().FirstOrDefault(l => l.Mac is not null && GoMac.TryParse(l.Mac) is { } linkMac && linkMac.AsSpan().SequenceEqual(mac))
                ?? throw NotFound();
        }
        if (cfg.KernelPath.Length > 0)
        {
            if (!Path.IsPathRooted(cfg.KernelPath) || !cfg.KernelPath.StartsWith("/sys/devices/", StringComparison.Ordinal))
                throw new CniException(ErrorCode.InvalidNetworkConfig, $"kernel device path \"{cfg.KernelPath}\" must be absolute and begin with /sys/devices/");
            var netDir = Path.Combine(cfg.KernelPath, "net");
            var entries = SortedEntries(netDir) ?? throw new CniException(ErrorCode.Internal, $"failed to find network devices at \"{netDir}\"");
            var links = host.DumpLinks();
            foreach (var entry in entries)
                if (links.FirstOrDefault(l => l.Name == entry) is { } link) return link;
            throw NotFound();
        }
        return ByPciAddress(host, cfg.PciBusId, sysBusPci);
    }

    private static LinkInfo ByPciAddress(RtnlHandle host, string pciAddress, string sysBusPci)
    {
        var device = Path.Combine(sysBusPci, pciAddress);
        var netDir = Path.Combine(device, "net");
        if (!Directory.Exists(netDir))
        {
            var virtio = Directory.Exists(device)
                ? Directory.GetDirectories(device, "virtio*").Order(StringComparer.Ordinal).Select(d => Path.Combine(d, "net")).FirstOrDefault(Directory.Exists)
                : null;
            netDir = virtio ?? throw new CniException(ErrorCode.Internal, $"no net directory under pci device {pciAddress}");
        }
        var entries = SortedEntries(netDir) ?? throw new CniException(ErrorCode.Internal, $"failed to read net directory {netDir}");
        if (entries.Count == 0)
            throw new CniException(ErrorCode.Internal, $"failed to find device name for pci address {pciAddress}");
        return ByName(host, entries[0]);
    }

    private static LinkInfo ByName(RtnlHandle host, string name) =>
        host.GetLink(name) ?? throw new CniException(ErrorCode.Internal, $"link \"{name}\" not found");

    private static byte[] ParseMac(string text) =>
        GoMac.TryParse(text) ?? throw new CniException(ErrorCode.InvalidNetworkConfig, $"failed to parse MAC address \"{text}\": {GoMac.InvalidText(text)}");

    /// <summary>The directory's entry names in Go's os.ReadDir order (sorted by name); null when it cannot be read.</summary>
    private static List<string>? SortedEntries(string dir)
    {
        try
        {
            return [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Select(n => n!).Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static CniException NotFound() => new(ErrorCode.Internal, "failed to find physical interface");
}
