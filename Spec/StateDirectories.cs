namespace CniBox.Spec;

/// <summary>
/// Go's <c>os.MkdirAll(path, mode)</c>: every missing directory on the way gets <paramref name="mode"/> (less the
/// umask). <c>Directory.CreateDirectory(path, mode)</c> gives it only to the last one and 0777 to the parents it
/// creates, which under a runtime's umask 0 left /var/lib/cni or a results parent world-writable.
/// </summary>
public static class StateDirectories
{
    public static void Create(string path, UnixFileMode mode)
    {
        var missing = new Stack<string>();
        for (var dir = Path.GetFullPath(path); !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
        {
            missing.Push(dir);
            if (Path.GetDirectoryName(dir) is null) break;
        }
        while (missing.TryPop(out var dir)) Directory.CreateDirectory(dir, mode);
    }
}
