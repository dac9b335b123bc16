namespace CniBox.Ipam.Dhcp.Daemon;

/// <summary>The daemon's state directory: one file per live lease, written atomically (temp file, rename).</summary>
public sealed class LeaseStore(string directory)
{
    public const string DefaultDirectory = "/var/lib/cni/dhcp";

    public string Directory => directory;

    public void Save(LeaseRecord record)
    {
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, record.FileName);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, record.ToJson());
        File.Move(temp, path, overwrite: true);
    }

    public void Delete(LeaseRecord record) => File.Delete(Path.Combine(directory, record.FileName));

    /// <summary>Every readable record; an unreadable file is reported through <paramref name="bad"/> and removed.</summary>
    public IReadOnlyList<LeaseRecord> LoadAll(Action<string, Exception> bad)
    {
        var records = new List<LeaseRecord>();
        if (!System.IO.Directory.Exists(directory)) return records;
        foreach (var file in System.IO.Directory.GetFiles(directory, "*.json"))
        {
            try
            {
                records.Add(LeaseRecord.Parse(File.ReadAllBytes(file)));
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                bad(file, e);
                File.Delete(file);
            }
        }
        return records;
    }
}
