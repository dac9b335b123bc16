namespace CniBox.Spec.Results;

/// <summary>A route of a result. Zero Mtu/AdvMss/Priority mean unset; Table and Scope print whenever set.</summary>
public sealed class ResultRoute
{
    public string Dst { get; set; } = "";
    public string? Gw { get; set; }
    public int? Mtu { get; set; }
    public int? AdvMss { get; set; }
    public int? Priority { get; set; }
    public int? Table { get; set; }
    public int? Scope { get; set; }
}
