using CniBox.Spec.Addressing;
using CniBox.Spec.Json;

namespace CniBox.Spec.Results;

/// <summary>
/// Prints the 1.1.0 model in a target version the way Go's down-converters and encoders do:
/// 1.x with every object's keys sorted and empty dns dropped, 0.x in struct order with dns always present.
/// </summary>
internal static class ResultWriter
{
    public static string Write(CniResult r, string target, bool indented)
    {
        if (target == "") target = "0.1.0";
        var w = new GoJsonWriter(indented);
        switch (ResultFamilies.Of(target))
        {
            case ResultFamily.V1: Write1(w, r, target); break;
            case ResultFamily.V04: Write04(w, r, target); break;
            case ResultFamily.V02: Write02(w, r, target); break;
            default:
                var from = string.IsNullOrEmpty(r.CniVersion) ? CniVersion.Current : r.CniVersion;
                throw new CniException(ErrorCode.Internal, $"no converter for CNI result version {from} to {target}");
        }
        return w.ToString();
    }

    private static void Write1(GoJsonWriter w, CniResult r, string version)
    {
        w.StartObject().Property("cniVersion", version);
        if (!r.Dns.IsEmpty)
        {
            w.Name("dns").StartObject();
            if (!string.IsNullOrEmpty(r.Dns.Domain)) w.Property("domain", r.Dns.Domain);
            if (r.Dns.Nameservers is { Count: > 0 } ns) w.StringArray("nameservers", ns);
            if (r.Dns.Options is { Count: > 0 } opts) w.StringArray("options", opts);
            if (r.Dns.Search is { Count: > 0 } search) w.StringArray("search", search);
            w.EndObject();
        }
        if (r.Interfaces.Count > 0)
        {
            w.Name("interfaces").StartArray();
            foreach (var i in r.Interfaces)
            {
                w.StartObject();
                if (!string.IsNullOrEmpty(i.Mac)) w.Property("mac", i.Mac);
                if (i.Mtu is { } mtu and not 0) w.Property("mtu", mtu);
                w.Property("name", i.Name ?? "");
                if (!string.IsNullOrEmpty(i.PciId)) w.Property("pciID", i.PciId);
                if (!string.IsNullOrEmpty(i.Sandbox)) w.Property("sandbox", i.Sandbox);
                if (!string.IsNullOrEmpty(i.SocketPath)) w.Property("socketPath", i.SocketPath);
                w.EndObject();
            }
            w.EndArray();
        }
        if (r.Ips.Count > 0)
        {
            w.Name("ips").StartArray();
            foreach (var ip in r.Ips)
            {
                w.StartObject().Property("address", ip.Address);
                if (!string.IsNullOrEmpty(ip.Gateway)) w.Property("gateway", ip.Gateway);
                if (ip.Interface is { } index) w.Property("interface", index);
                w.EndObject();
            }
            w.EndArray();
        }
        if (r.Routes.Count > 0)
        {
            w.Name("routes").StartArray();
            foreach (var rt in r.Routes)
            {
                w.StartObject();
                if (rt.AdvMss is { } advmss and not 0) w.Property("advmss", advmss);
                w.Property("dst", rt.Dst);
                if (!string.IsNullOrEmpty(rt.Gw)) w.Property("gw", rt.Gw);
                if (rt.Mtu is { } mtu and not 0) w.Property("mtu", mtu);
                if (rt.Priority is { } prio and not 0) w.Property("priority", prio);
                if (rt.Scope is { } scope) w.Property("scope", scope);
                if (rt.Table is { } table) w.Property("table", table);
                w.EndObject();
            }
            w.EndArray();
        }
        w.EndObject();
    }

    private static void Write04(GoJsonWriter w, CniResult r, string version)
    {
        w.StartObject().Property("cniVersion", version);
        if (r.Interfaces.Count > 0)
        {
            w.Name("interfaces").StartArray();
            foreach (var i in r.Interfaces)
            {
                w.StartObject().Property("name", i.Name ?? "");
                if (!string.IsNullOrEmpty(i.Mac)) w.Property("mac", i.Mac);
                if (!string.IsNullOrEmpty(i.Sandbox)) w.Property("sandbox", i.Sandbox);
                w.EndObject();
            }
            w.EndArray();
        }
        if (r.Ips.Count > 0)
        {
            w.Name("ips").StartArray();
            foreach (var ip in r.Ips)
            {
                w.StartObject().Property("version", IsV4(ip.Address) ? "4" : "6");
                if (ip.Interface is { } index) w.Property("interface", index);
                w.Property("address", ip.Address);
                if (!string.IsNullOrEmpty(ip.Gateway)) w.Property("gateway", ip.Gateway);
                w.EndObject();
            }
            w.EndArray();
        }
        if (r.Routes.Count > 0)
        {
            w.Name("routes").StartArray();
            foreach (var rt in r.Routes) WriteRoute(w, rt, full: true);
            w.EndArray();
        }
        WriteDnsInStructOrder(w, r.Dns);
        w.EndObject();
    }

    private static void Write02(GoJsonWriter w, CniResult r, string version)
    {
        var ip4 = r.Ips.FirstOrDefault(ip => IsV4(ip.Address));
        var ip6 = r.Ips.FirstOrDefault(ip => !IsV4(ip.Address));
        if (ip4 is null && ip6 is null)
            throw new CniException(ErrorCode.Internal, "cannot convert: no valid IP addresses");
        w.StartObject().Property("cniVersion", version);
        foreach (var (key, ip, v4) in new[] { ("ip4", ip4, true), ("ip6", ip6, false) })
        {
            if (ip is null) continue;
            w.Name(key).StartObject().Property("ip", ip.Address);
            if (!string.IsNullOrEmpty(ip.Gateway)) w.Property("gateway", ip.Gateway);
            var routes = r.Routes.Where(rt => IsV4(rt.Dst) == v4).ToList();
            if (routes.Count > 0)
            {
                w.Name("routes").StartArray();
                foreach (var rt in routes) WriteRoute(w, rt, full: false);
                w.EndArray();
            }
            w.EndObject();
        }
        WriteDnsInStructOrder(w, r.Dns);
        w.EndObject();
    }

    /// <summary>Go's <c>IP.To4() != nil</c> for an address or CIDR of the model; "&lt;nil&gt;" and other non-addresses are not IPv4.</summary>
    private static bool IsV4(string? text) =>
        IpNet.TryParse(text, out var net) ? net.Address.IsV4 : IpAddr.TryParse(text, out var ip) && ip.IsV4;

    private static void WriteRoute(GoJsonWriter w, ResultRoute rt, bool full)
    {
        w.StartObject().Property("dst", rt.Dst);
        if (!string.IsNullOrEmpty(rt.Gw)) w.Property("gw", rt.Gw);
        if (full)
        {
            if (rt.Mtu is { } mtu and not 0) w.Property("mtu", mtu);
            if (rt.AdvMss is { } advmss and not 0) w.Property("advmss", advmss);
            if (rt.Priority is { } prio and not 0) w.Property("priority", prio);
            if (rt.Table is { } table) w.Property("table", table);
            if (rt.Scope is { } scope) w.Property("scope", scope);
        }
        w.EndObject();
    }

    private static void WriteDnsInStructOrder(GoJsonWriter w, ResultDns dns)
    {
        w.Name("dns").StartObject();
        if (dns.Nameservers is { Count: > 0 } ns) w.StringArray("nameservers", ns);
        if (!string.IsNullOrEmpty(dns.Domain)) w.Property("domain", dns.Domain);
        if (dns.Search is { Count: > 0 } search) w.StringArray("search", search);
        if (dns.Options is { Count: > 0 } opts) w.StringArray("options", opts);
        w.EndObject();
    }
}
