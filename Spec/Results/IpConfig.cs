namespace CniBox.Spec.Results;

/// <summary>One address of a result. Address is CIDR text with host bits ("10.1.0.5/16"); Interface indexes Interfaces.</summary>
public sealed class IpConfig
{
    public int? Interface { get; set; }
    public string Address { get; set; } = "";
    public string? Gateway { get; set; }
}
