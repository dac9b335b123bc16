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

    /// <summary>The network's <c>name</c> ("" when absent): masquerade rules and chains are named after it.</summary>
    public string NetworkName => Conf.Name ?? "";

    /// <summary><c>ipam.type</c>, "" when there is no ipam object or no type.</summary>
    public string IpamType => Conf.Ipam?.Type ?? "";

    /// <summary>
    /// Decodes stdin; <paramref name="readKeys"/> reads the plugin's own keys and may throw
    /// <see cref="JsonException"/> for a wrong type. Every decoding problem is code 6, worded as the Go plugins'
    /// <c>failed to load netconf: json: cannot unmarshal ...</c>.
    /// </summary>
    public static T Parse<T>(byte[] stdin, Func<PluginConfig, T> readKeys) =>
        Parse(stdin, readKeys, ErrorCode.DecodingFailure, "failed to load netconf: ");

    /// <summary>As <see cref="Parse{T}(byte[], Func{PluginConfig, T})"/>, for a Go plugin that words and codes its decoding errors otherwise
    /// (bandwidth: "failed to parse network configuration: ").</summary>
    public static T Parse<T>(byte[] stdin, Func<PluginConfig, T> readKeys, int code, string prefix)
    {
        try
        {
            // Not disposed on purpose (see JsonFields): the elements handed out point into it.
            var root = GoJsonInput.Parse(stdin).RootElement;
            var config = new PluginConfig(NetConf.FromElement(root), JsonFields.Root(root, "main.NetConf"));
            return readKeys(config);
        }
        catch (JsonException e)
        {
            throw new CniException(code, prefix + JsonErrors.Describe(e));
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
