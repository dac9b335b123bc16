namespace CniBox.Applets.Firewall.Firewalld;

/// <summary>
/// Why one call to firewalld did not succeed, in words a CNI error can carry: firewalld's own error (its code, such
/// as <c>INVALID_ZONE</c>, and its text), an error of the bus daemon, or no answer at all. <see cref="FirewalldClient"/>
/// turns it into the CniException of the operation, which names the zone and the source.
/// </summary>
internal sealed class FirewalldFailure(string reason, string? firewalldCode = null) : Exception(reason)
{
    public const string FirewalldErrorPrefix = "org.fedoraproject.FirewallD1.";

    /// <summary>firewalld's error code (the text before the first colon of its message), or null when the error came
    /// from the bus or the connection.</summary>
    public string? FirewalldCode { get; } = firewalldCode;

    /// <summary>A D-Bus error reply. firewalld's replies are <c>CODE: detail</c> (or just <c>CODE</c>) under its own
    /// error names; the bus daemon's are explained in terms of firewalld.</summary>
    public static FirewalldFailure FromReply(string errorName, string? errorMessage, string busAddress)
    {
        var text = string.IsNullOrEmpty(errorMessage) ? errorName : errorMessage;
        if (!errorName.StartsWith(FirewalldErrorPrefix, StringComparison.Ordinal))
            return new FirewalldFailure($"{BusExplanation(errorName, busAddress)} ({errorName}: {text})");
        if (errorName == FirewalldErrorPrefix + "NotAuthorizedException")
            return new FirewalldFailure($"firewalld (polkit) does not authorize this process for {text}; plugins run as root");
        var code = text.Split(':', 2)[0].Trim();
        return Explanation(code) is { } why ? new FirewalldFailure($"{why} (firewalld: {text})", code) : new FirewalldFailure($"firewalld: {text}", code);
    }

    private static string BusExplanation(string errorName, string busAddress) => errorName switch
    {
        "org.freedesktop.DBus.Error.ServiceUnknown" or "org.freedesktop.DBus.Error.NameHasNoOwner" =>
            $"firewalld is not running: nobody owns {FirewalldClient.BusName} on the system bus {busAddress}",
        "org.freedesktop.DBus.Error.AccessDenied" => "the system bus policy does not let this process call firewalld",
        "org.freedesktop.DBus.Error.NoReply" => "firewalld did not answer",
        "org.freedesktop.DBus.Error.UnknownMethod" or "org.freedesktop.DBus.Error.UnknownInterface"
            or "org.freedesktop.DBus.Error.UnknownObject" => "this firewalld has no zone interface (firewalld 0.3 or later is needed)",
        _ => "the system bus refused the call",
    };

    private static string? Explanation(string code) => code switch
    {
        "INVALID_ZONE" => "firewalld has no such zone",
        "ZONE_CONFLICT" => "the address is already bound to another zone",
        "INVALID_ADDR" or "INVALID_SOURCE" => "firewalld does not take it as a source address",
        "UNKNOWN_SOURCE" => "the address is not in any zone",
        "NOT_RUNNING" or "RUNNING_BUT_FAILED" => "firewalld is not in a running state",
        _ => null,
    };
}
