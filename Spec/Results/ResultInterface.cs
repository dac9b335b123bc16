namespace CniBox.Spec.Results;

/// <summary>An interface in a 1.1.0 result; 0.3.x/0.4.0 keep only name, mac and sandbox.</summary>
public sealed class ResultInterface
{
    public string? Name { get; set; }
    public string? Mac { get; set; }
    public int? Mtu { get; set; }
    public string? Sandbox { get; set; }
    public string? SocketPath { get; set; }
    public string? PciId { get; set; }
}
