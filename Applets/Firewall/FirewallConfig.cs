using CniBox.Applets.Common;
using CniBox.Applets.Common.Chained;
using CniBox.Spec;
using CniBox.Spec.Json;

namespace CniBox.Applets.Firewall;

/// <summary>What <c>ingressPolicy</c> asks for: Go 1.9.1's three values ("" means open).</summary>
public enum IngressPolicy
{
    Open,
    SameBridge,
    Isolated,
}

/// <summary>
/// firewall's keys as upstream 1.9.1's parseConf reads them (plugins/meta/firewall/firewall.go): <c>backend</c>,
/// <c>iptablesAdminChainName</c> (default <c>CNI-ADMIN</c>), <c>firewalldZone</c> (default <c>trusted</c>) and
/// <c>ingressPolicy</c>. Unlike Go, which falls back to auto-detection for any backend it does not know, an unknown
/// <c>backend</c> is a config error (code 7) naming it; <c>nftables</c> is ours. An unknown <c>ingressPolicy</c> is
/// Go's plain error, in ADD and DEL as Go's setup and teardown return it; CHECK does not look at it, as Go's.
/// </summary>
public sealed record FirewallConfig : IChainedConfig
{
    public const string Iptables = "iptables";
    public const string Nftables = "nftables";
    public const string Firewalld = "firewalld";
    public const string DefaultAdminChain = "CNI-ADMIN";
    public const string DefaultZone = "trusted";

    public required PluginConfig Config { get; init; }

    /// <summary>"" when the config names none: <see cref="FirewallBackends"/> then chooses.</summary>
    public string Backend { get; init; } = "";
    public string AdminChain { get; init; } = DefaultAdminChain;
    public string FirewalldZone { get; init; } = DefaultZone;
    public IngressPolicy IngressPolicy { get; init; }

    /// <summary>As the config spells the policy ("" for none): records and rule comments use Go's words.</summary>
    public static string Word(IngressPolicy policy) => policy switch
    {
        IngressPolicy.SameBridge => "same-bridge",
        IngressPolicy.Isolated => "isolated",
        _ => "open",
    };

    public static FirewallConfig Parse(byte[] stdin, bool checkPolicy = true) =>
        PluginConfig.Parse(stdin, c => Read(c, checkPolicy));

    private static FirewallConfig Read(PluginConfig c, bool checkPolicy)
    {
        var root = JsonFields.Root(c.Root.Element, "main.FirewallNetConf");
        var backend = root.String("backend") ?? "";
        if (backend is not ("" or Iptables or Nftables or Firewalld))
            throw new CniException(ErrorCode.InvalidNetworkConfig,
                $"unknown firewall backend {GoText.Quote(backend)}: use \"iptables\", \"nftables\" or \"firewalld\", or leave it out to choose by the host");
        var policyText = root.String("ingressPolicy") ?? "";
        IngressPolicy? policy = policyText switch
        {
            "" or "open" => IngressPolicy.Open,
            "same-bridge" => IngressPolicy.SameBridge,
            "isolated" => IngressPolicy.Isolated,
            _ => null,
        };
        if (policy is null && checkPolicy)
            throw new CniException(ErrorCode.Internal, $"unknown ingress policy: {GoText.Quote(policyText)}");
        var admin = root.String("iptablesAdminChainName");
        var zone = root.String("firewalldZone");
        return new FirewallConfig
        {
            Config = c,
            Backend = backend,
            AdminChain = string.IsNullOrEmpty(admin) ? DefaultAdminChain : admin,
            FirewalldZone = string.IsNullOrEmpty(zone) ? DefaultZone : zone,
            IngressPolicy = policy ?? IngressPolicy.Open,
        };
    }
}
