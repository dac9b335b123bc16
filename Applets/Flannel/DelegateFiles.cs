using System.Text;
using CniBox.Spec;

namespace CniBox.Applets.Flannel;

/// <summary>
/// flannel's scratch netconfs: the delegate config ADD used, at <c>&lt;dataDir&gt;/&lt;containerID&gt;</c> (dir 0700,
/// file 0600), read back by DEL so it deletes what ADD created even after subnet.env changed or vanished.
/// </summary>
public sealed class DelegateFiles(string dataDir)
{
    public void Save(string containerId, string json)
    {
        Directory.CreateDirectory(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using var file = new FileStream(PathOf(containerId), options);
        // No fsync, as flannel: after a crash the netns is gone too, and a lost or torn file makes DEL succeed.
        file.Write(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The saved bytes, or null when there is no file (DEL then succeeds without a delegate DEL).</summary>
    public byte[]? Read(string containerId)
    {
        try
        {
            return File.ReadAllBytes(PathOf(containerId));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Remove(string containerId) => File.Delete(PathOf(containerId));

    /// <summary>The container IDs with a saved file; other names in the directory are not ours and are left alone.</summary>
    public IReadOnlyList<string> ContainerIds() =>
        Directory.Exists(dataDir)
            ? Directory.EnumerateFiles(dataDir).Select(Path.GetFileName).Where(n => n is not null && Identifier.IsValid(n))
                .Select(n => n!).ToList()
            : [];

    private string PathOf(string containerId) => Path.Combine(dataDir, containerId);
}
