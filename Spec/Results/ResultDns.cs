using CniBox.Spec.Json;

namespace CniBox.Spec.Results;

/// <summary>The dns block of results and of network configs.</summary>
public sealed class ResultDns
{
    public List<string>? Nameservers { get; set; }
    public string? Domain { get; set; }
    public List<string>? Search { get; set; }
    public List<string>? Options { get; set; }

    public bool IsEmpty => Nameservers is not { Count: > 0 } && string.IsNullOrEmpty(Domain)
        && Search is not { Count: > 0 } && Options is not { Count: > 0 };

    public ResultDns Copy() => new()
    {
        Nameservers = CopyList(Nameservers),
        Domain = Domain,
        Search = CopyList(Search),
        Options = CopyList(Options),
    };

    /// <summary>Go's types.DNS from a present object; a null entry of a list reads as "".</summary>
    internal static ResultDns Read(JsonFields dns) => new()
    {
        Nameservers = dns.StringList("nameservers"),
        Domain = dns.String("domain"),
        Search = dns.StringList("search"),
        Options = dns.StringList("options"),
    };

    // A JSON null inside a Go []string decodes as "".
    private static List<string>? CopyList(List<string>? items) => items?.Select(s => s ?? "").ToList();
}
