using System.Globalization;
using CniBox.Spec.Addressing;

namespace CniBox.Applets.Flannel;

/// <summary>
/// What flanneld writes to subnet.env for this node, read as flannel's loadFlannelSubnetEnv reads it: lines split
/// on the first <c>=</c>, unknown keys ignored, the networks a comma list (duplicates dropped), the subnets
/// reduced to their network (flanneld writes the first host, <c>10.244.1.1/24</c>).
/// </summary>
public sealed record SubnetEnv(
    IReadOnlyList<IpNet> Networks, IpNet? Subnet, IReadOnlyList<IpNet> Ipv6Networks, IpNet? Ipv6Subnet, uint Mtu, bool IpMasq)
{
    /// <summary>Go's bufio.Scanner limit: a longer line stops the scan.</summary>
    private const int MaxLine = 64 * 1024;

    /// <summary>Beyond Go: a file this large is refused rather than scanned (flanneld writes about 150 bytes).</summary>
    private const int MaxFile = 16 << 20;

    /// <summary>Reads <paramref name="path"/>; a failure is a <see cref="FormatException"/> worded as flannel's error.</summary>
    public static SubnetEnv Load(string path)
    {
        if (path.Length == 0) throw new FormatException("open : no such file or directory");
        try
        {
            return Parse(System.Text.Encoding.UTF8.GetString(ReadBounded(path)), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException(OpenError(path, e));
        }
    }

    /// <summary>
    /// The file up to its end, or up to the point where a line is already longer than the scanner takes (then
    /// <see cref="Lines"/> stops there, as Go's scan does): a device such as /dev/zero or a huge file must not be
    /// read whole. A RandomAccess read on the handle: the calls File.ReadAllBytes already pages in.
    /// </summary>
    private static byte[] ReadBounded(string path)
    {
        using var handle = File.OpenHandle(path);
        var buffer = new byte[4096];
        int length = 0, lineStart = 0;
        while (true)
        {
            if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            int n = RandomAccess.Read(handle, buffer.AsSpan(length), length);
            if (n == 0) break;
            int lastNewline = buffer.AsSpan(length, n).LastIndexOf((byte)'\n');
            if (lastNewline >= 0) lineStart = length + lastNewline + 1;
            length += n;
            if (length - lineStart > MaxLine) break;
            if (length > MaxFile) throw new FormatException($"{path} is larger than {MaxFile >> 20} MiB");
        }
        return buffer[..length];
    }

    public static SubnetEnv Parse(string text, string path)
    {
        List<IpNet> networks = [], ipv6Networks = [];
        IpNet? subnet = null, ipv6Subnet = null;
        uint? mtu = null;
        bool? ipMasq = null;
        foreach (var line in Lines(text))
        {
            var eq = line.IndexOf('=');
            var key = eq < 0 ? line : line[..eq];
            // Go indexes parts[1] unchecked and panics on a known key without '='; we read it as an empty value.
            var value = eq < 0 ? "" : line[(eq + 1)..];
            switch (key)
            {
                case "FLANNEL_NETWORK": networks = NetworkList(value); break;
                case "FLANNEL_SUBNET": subnet = Cidr(value).ToNetwork(); break;
                case "FLANNEL_IPV6_NETWORK": ipv6Networks = NetworkList(value); break;
                case "FLANNEL_IPV6_SUBNET": ipv6Subnet = Cidr(value).ToNetwork(); break;
                case "FLANNEL_MTU": mtu = ParseUint32(value); break;
                case "FLANNEL_IPMASQ": ipMasq = value == "true"; break;
            }
        }
        var missing = new List<string>();
        if (networks.Count == 0 && ipv6Networks.Count == 0) missing.AddRange(["FLANNEL_NETWORK", "FLANNEL_IPV6_NETWORK"]);
        if (subnet is null && ipv6Subnet is null) missing.AddRange(["FLANNEL_SUBNET", "FLANNEL_IPV6_SUBNET"]);
        if (mtu is null) missing.Add("FLANNEL_MTU");
        if (ipMasq is null) missing.Add("FLANNEL_IPMASQ");
        if (missing.Count > 0) throw new FormatException($"{path} is missing {string.Join(", ", missing)}");
        return new SubnetEnv(networks, subnet, ipv6Networks, ipv6Subnet, mtu!.Value, ipMasq!.Value);
    }

    /// <summary>bufio.ScanLines: split on \n, one trailing \r dropped, no empty last line after a final \n.</summary>
    private static IEnumerable<string> Lines(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var nl = text.IndexOf('\n', start);
            var end = nl < 0 ? text.Length : nl;
            if (end - start > MaxLine) throw new FormatException("bufio.Scanner: token too long");
            var line = text[start..end];
            yield return line.EndsWith('\r') ? line[..^1] : line;
            start = end + 1;
        }
    }

    private static List<IpNet> NetworkList(string value)
    {
        var list = new List<IpNet>();
        foreach (var item in value.Split(','))
        {
            var net = Cidr(item).ToNetwork();
            if (!list.Contains(net)) list.Add(net);
        }
        return list;
    }

    private static IpNet Cidr(string text) =>
        IpNet.TryParse(text, out var net) ? net : throw new FormatException($"invalid CIDR address: {text}");

    /// <summary>strconv.ParseUint(s, 10, 32) and its two error texts.</summary>
    private static uint ParseUint32(string s)
    {
        if (s.Length == 0 || s.AsSpan().ContainsAnyExcept("0123456789"))
            throw new FormatException($"strconv.ParseUint: parsing {Spec.Json.GoText.Quote(s)}: invalid syntax");
        return uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"strconv.ParseUint: parsing {Spec.Json.GoText.Quote(s)}: value out of range");
    }

    /// <summary>Go's *PathError text for os.Open or the first read.</summary>
    private static string OpenError(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"open {path}: no such file or directory",
        UnauthorizedAccessException when Directory.Exists(path) => $"read {path}: is a directory",
        UnauthorizedAccessException => $"open {path}: permission denied",
        _ => $"open {path}: {e.Message}",
    };
}
