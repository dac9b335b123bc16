using System.Net;
using System.Text;
using System.Text.Json;
using CniBox.Ipam.Dhcp.Protocol;

namespace CniBox.Ipam.Dhcp.Daemon;

/// <summary>
/// A lease as the daemon keeps it on disk (<c>&lt;stateDir&gt;/&lt;hex of client ID&gt;.json</c>), enough to resume
/// it after a restart: where the interface is, who the client is, and the ACK's options and times.
/// </summary>
public sealed record LeaseRecord(string ClientId, string Netns, string IfName, ClientIdentity Identity, int Priority, DhcpLease Lease)
{
    public string FileName => Convert.ToHexString(Encoding.UTF8.GetBytes(ClientId)).ToLowerInvariant() + ".json";

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("clientId", ClientId);
            w.WriteString("netns", Netns);
            w.WriteString("ifName", IfName);
            w.WriteNumber("priority", Priority);
            w.WriteString("requested", Convert.ToHexString([.. Identity.Requested]));
            w.WriteStartArray("provided");
            foreach (var (code, value) in Identity.Provided) w.WriteStringValue($"{code}:{Convert.ToHexString(value)}");
            w.WriteEndArray();
            w.WriteString("address", Lease.Address.ToString());
            w.WriteNumber("prefixLength", Lease.PrefixLength);
            w.WriteString("server", Lease.Server.ToString());
            w.WriteString("serverMac", Convert.ToHexString(Lease.ServerMac));
            w.WriteString("acquiredAt", Lease.AcquiredAt.ToUnixTimeMilliseconds().ToString());
            w.WriteNumber("durationSeconds", Lease.Duration.TotalSeconds);
            w.WriteNumber("renewAfterSeconds", Lease.RenewAfter.TotalSeconds);
            w.WriteNumber("rebindAfterSeconds", Lease.RebindAfter.TotalSeconds);
            w.WriteString("options", Convert.ToHexString(Lease.Options.Encode()));
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static LeaseRecord Parse(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        var options = new DhcpOptions();
        if (!options.TryDecode(Convert.FromHexString(r.GetProperty("options").GetString()!)))
            throw new FormatException("lease options do not decode");
        var provided = new List<(byte, byte[])>();
        foreach (var p in r.GetProperty("provided").EnumerateArray())
        {
            var parts = p.GetString()!.Split(':');
            provided.Add((byte.Parse(parts[0]), Convert.FromHexString(parts[1])));
        }
        var clientId = r.GetProperty("clientId").GetString()!;
        var identity = new ClientIdentity(LeaseManager.ClientIdOption(clientId),
            Convert.FromHexString(r.GetProperty("requested").GetString()!), provided);
        var lease = new DhcpLease
        {
            Address = IPAddress.Parse(r.GetProperty("address").GetString()!),
            PrefixLength = r.GetProperty("prefixLength").GetInt32(),
            Server = IPAddress.Parse(r.GetProperty("server").GetString()!),
            ServerMac = Convert.FromHexString(r.GetProperty("serverMac").GetString()!),
            AcquiredAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(r.GetProperty("acquiredAt").GetString()!)),
            Duration = TimeSpan.FromSeconds(r.GetProperty("durationSeconds").GetDouble()),
            RenewAfter = TimeSpan.FromSeconds(r.GetProperty("renewAfterSeconds").GetDouble()),
            RebindAfter = TimeSpan.FromSeconds(r.GetProperty("rebindAfterSeconds").GetDouble()),
            Options = options,
        };
        return new LeaseRecord(clientId, r.GetProperty("netns").GetString()!, r.GetProperty("ifName").GetString()!,
            identity, r.GetProperty("priority").GetInt32(), lease);
    }
}
