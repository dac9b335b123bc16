using Serilog;
using CniBox.Spec;
using Tmds.DBus.Protocol;

namespace CniBox.Applets.Firewall.Firewalld;

/// <summary>
/// firewalld's zone API on the system bus, as Go's firewall plugin calls it: the bus of
/// <c>DBUS_SYSTEM_BUS_ADDRESS</c>, else <c>unix:path=/run/dbus/system_bus_socket</c>; one connection, opened on the
/// first call. Every wait is bounded by <see cref="FirewalldTimeouts"/>, and after one call got no answer the next ones
/// fail at once. Failures become CNI errors of code 999 (Go's) naming the zone, the source and firewalld's reason.
/// </summary>
public sealed class FirewalldClient(string busAddress, ILogger log, FirewalldTimeouts? timeouts = null) : IDisposable
{
    public const string BusName = "org.fedoraproject.FirewallD1";
    public const string DefaultSystemBus = "unix:path=/run/dbus/system_bus_socket";
    private const string ObjectPath = "/org/fedoraproject/FirewallD1";
    private const string ZoneInterface = "org.fedoraproject.FirewallD1.zone";
    private const string ZoneAlreadySet = "ZONE_ALREADY_SET";

    private readonly FirewalldTimeouts _timeouts = timeouts ?? FirewalldTimeouts.Default;
    private DBusConnection? _connection;
    private FirewalldFailure? _hung;

    public string BusAddress { get; } = busAddress;

    /// <summary>The system bus address a plugin process is given.</summary>
    public static string SystemBusAddress(Func<string, string?> getenv) =>
        getenv("DBUS_SYSTEM_BUS_ADDRESS") is { Length: > 0 } address ? address : DefaultSystemBus;

    /// <summary>Whether firewalld's name has an owner on the bus (Go's auto-detection): false, and quickly, when there
    /// is no bus, the bus does not answer, or nobody owns the name.</summary>
    public bool HasOwner()
    {
        try
        {
            var owner = Call(BusMessage("GetNameOwner", BusName), static (m, _) => m.GetBodyReader().ReadString(), _timeouts.Bus);
            log.Debug("firewalld: {Name} is owned by {Owner} on {Bus}", BusName, owner, BusAddress);
            return true;
        }
        catch (FirewalldFailure e)
        {
            log.Debug("firewalld: not detected on {Bus}: {Reason}", BusAddress, e.Message);
            return false;
        }
    }

    /// <summary>Binds the source to the zone; false when firewalld says it already is (ZONE_ALREADY_SET, which Go
    /// ignores too).</summary>
    public bool AddSource(string zone, string source)
    {
        try
        {
            ZoneCall("addSource", zone, source, static (m, _) => m.GetBodyReader().ReadString());
            return true;
        }
        catch (FirewalldFailure e) when (e.FirewalldCode == ZoneAlreadySet)
        {
            return false;
        }
        catch (FirewalldFailure e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to add the address {source} to {zone} zone: {e.Message}");
        }
    }

    /// <summary>Unbinds the source from the zone. Like Go, every failure is ignored (a source that is not there, a
    /// zone or a firewalld that is gone: nothing is left to remove); it is logged, and the result says whether the
    /// source was removed.</summary>
    public bool RemoveSource(string zone, string source)
    {
        try
        {
            ZoneCall("removeSource", zone, source, static (m, _) => m.GetBodyReader().ReadString());
            return true;
        }
        catch (FirewalldFailure e)
        {
            log.Information("firewalld: {Source} not removed from {Zone} zone: {Reason}", source, zone, e.Message);
            return false;
        }
    }

    /// <summary>Whether the source is bound to the zone; a failed query is a CNI error with Go's CHECK text.</summary>
    public bool QuerySource(string zone, string source)
    {
        try
        {
            return ZoneCall("querySource", zone, source, static (m, _) => m.GetBodyReader().ReadBool());
        }
        catch (FirewalldFailure e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to find the address {source} in {zone} zone: {e.Message}");
        }
    }

    public void Dispose() => _connection?.Dispose();

    private T ZoneCall<T>(string member, string zone, string source, MessageValueReader<T> reader) =>
        Call(ZoneMessage(member, zone, source), reader, _timeouts.Firewalld);

    private T Call<T>(Func<DBusConnection, MessageBuffer> message, MessageValueReader<T> reader, TimeSpan timeout)
    {
        var connection = Connection();
        return Wait(connection.CallMethodAsync(message(connection), reader, null), timeout, "to the call");
    }

    private DBusConnection Connection()
    {
        if (_hung is not null) throw _hung;
        if (_connection is not null) return _connection;
        // No socket file, no bus: said without the library's failed connect, whose exception (a stack trace string
        // built across its async frames) cost a firewall ADD on a node without D-Bus 14 of its 17.6M instructions.
        if (MissingUnixSocket(BusAddress) is { } missing)
            throw new FirewalldFailure($"cannot connect to the system bus {BusAddress}: {missing}: No such file or directory");
        var connection = new DBusConnection(BusAddress);
        try
        {
            Wait(Connected(connection), _timeouts.Connect, "while connecting");
        }
        catch (FirewalldFailure e)
        {
            connection.Dispose();
            throw new FirewalldFailure($"cannot connect to the system bus {BusAddress}: {e.Message}");
        }
        return _connection = connection;
    }

    /// <summary>The socket path of a plain one-entry <c>unix:path=</c> address when no such file exists; null otherwise
    /// (other transports, several entries, escaped paths: the library decides).</summary>
    internal static string? MissingUnixSocket(string address)
    {
        const string prefix = "unix:path=";
        if (!address.StartsWith(prefix, StringComparison.Ordinal) || address.Contains(';') || address.Contains('%')) return null;
        var path = address[prefix.Length..];
        var comma = path.IndexOf(',');
        if (comma >= 0) path = path[..comma];
        return path.Length > 0 && !File.Exists(path) && !Directory.Exists(path) ? path : null;
    }

    private static async Task<bool> Connected(DBusConnection connection)
    {
        await connection.ConnectAsync().ConfigureAwait(false);
        return true;
    }

    private T Wait<T>(Task<T> task, TimeSpan timeout, string what)
    {
        try
        {
            return task.WaitAsync(timeout).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            _hung = new FirewalldFailure($"no answer on {BusAddress} within {timeout.TotalSeconds:0.###}s {what}");
            _connection?.Dispose();
            throw _hung;
        }
        catch (DBusErrorReplyException e)
        {
            throw FirewalldFailure.FromReply(e.ErrorName, e.ErrorMessage, BusAddress);
        }
        // Whatever else the D-Bus library or its socket throws (refused, reset, malformed address) means the same
        // here: firewalld could not be asked.
        catch (Exception e) when (e is not FirewalldFailure)
        {
            throw new FirewalldFailure(e.Message);
        }
    }

    private static Func<DBusConnection, MessageBuffer> BusMessage(string member, string name) => connection =>
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
            @interface: "org.freedesktop.DBus", member: member, signature: "s");
        writer.WriteString(name);
        return writer.CreateMessage();
    };

    private static Func<DBusConnection, MessageBuffer> ZoneMessage(string member, string zone, string source) => connection =>
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: BusName, path: ObjectPath, @interface: ZoneInterface, member: member, signature: "ss");
        writer.WriteString(zone);
        writer.WriteString(source);
        return writer.CreateMessage();
    };
}
