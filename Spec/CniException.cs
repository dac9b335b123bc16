namespace CniBox.Spec;

/// <summary>Error codes from the CNI spec (0-99 reserved) plus the reference implementation's 999.</summary>
public static class ErrorCode
{
    public const int IncompatibleVersion = 1;
    public const int UnsupportedField = 2;
    public const int UnknownContainer = 3;
    public const int InvalidEnvironment = 4;
    public const int IoFailure = 5;
    public const int DecodingFailure = 6;
    public const int InvalidNetworkConfig = 7;
    public const int InvalidNetns = 8;
    public const int TryAgainLater = 11;
    public const int NotAvailable = 50;
    public const int LimitedConnectivity = 51;
    public const int Internal = 999;
}

/// <summary>A failure the runtime should see as a CNI error object on stdout.</summary>
public sealed class CniException(int code, string msg, string? details = null) : Exception(msg)
{
    public int Code { get; } = code;
    public string Msg { get; } = msg;
    public string? Details { get; } = details;
}
