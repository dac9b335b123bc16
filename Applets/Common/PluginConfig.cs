using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Config;
using CniBox.Spec.Json;
using CniBox.Spec.Results;

namespace CniBox.Applets.Common;

/// <summary>
/// A plugin's stdin decoded once: the generic <see cref="NetConf"/> plus the root object for the plugin's own
/// keys, read with Go's encoding/json rules through <see cref="JsonFields"/> (never JsonSerializer).
/// </summary>
public sealed class PluginConfig
{
    private PluginConfig(NetConf conf, JsonFields root)
    {
        Conf = conf;
        Root = root;
    }

    public NetConf Conf { get; }

    /// <summary>The root object, errors labelled as Go's <c>main.NetConf</c> ("Go struct field NetConf.mtu").</summary>
    public JsonFields Root { get; }

    /// <summary><c>ipam.type</c>, "" when there is no ipam object or no type.</summary>
    public string IpamType => Conf.Ipam?.Type ?? "";

    /// <summary>
    /// Decodes stdin; <paramref name="readKeys"/> reads the plugin's own keys and may throw
    /// <see cref="JsonException"/> for a wrong type. Every decoding problem is code 6, worded as the Go plugins'
    /// <c>failed to load netconf: json: cannot unmarshal ...</c>.
    /// </summary>
    public static T Parse<T>(byte[] stdin, Func<PluginConfig, T> readKeys)
    {
        try
        {
            // Not disposed on purpose (see JsonFields): the elements handed out point into it.
            var root = JsonDocument.Parse(stdin).RootElement;
            var config = new PluginConfig(NetConf.FromElement(root), JsonFields.Root(root, "main.NetConf"));
            return readKeys(config);
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, "failed to load netconf: " + JsonErrors.Describe(e));
        }
    }

    /// <summary>
    /// Go's dnsConfSet: the config's <c>dns</c> replaces the IPAM's when any of its lists is present (even empty)
    /// or its domain is non-empty.
    /// </summary>
    public ResultDns? DnsOverride() =>
        Conf.Dns is { } dns && (dns.Nameservers is not null || dns.Search is not null || dns.Options is not null
            || !string.IsNullOrEmpty(dns.Domain))
            ? dns.Copy()
            : null;
}

/// <summary>
/// <c>ipMasq</c> / <c>ipMasqBackend</c> of bridge and ptp. Masquerading needs nf_tables, which lands in the next
/// release: until then ADD refuses <c>ipMasq: true</c> before touching anything, and DEL accepts it (there is
/// nothing to tear down, since no ADD with it ever succeeded).
/// </summary>
public readonly record struct IpMasqConfig(bool Enabled, string? Backend)
{
    public static IpMasqConfig Read(JsonFields root)
    {
        var backend = root.String("ipMasqBackend");
        if (backend is not (null or "iptables" or "nftables"))
            throw new CniException(ErrorCode.InvalidNetworkConfig,
                $"ipMasqBackend must be either \"iptables\" or \"nftables\", not {GoText.Quote(backend)}");
        return new IpMasqConfig(root.Bool("ipMasq") ?? false, backend);
    }

    /// <summary>ADD: code 2 (unsupported field) when masquerading is asked for.</summary>
    public void RejectIfEnabled()
    {
        if (Enabled)
            throw new CniException(ErrorCode.UnsupportedField,
                "ipMasq is not supported yet (IP masquerade over nf_tables lands in the next cnibox release); set \"ipMasq\": false");
    }
}
