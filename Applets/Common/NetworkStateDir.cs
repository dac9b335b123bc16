using CniBox.Spec;

namespace CniBox.Applets.Common;

/// <summary>
/// The per-network state directories of chained plugins (<c>/var/lib/cni/&lt;plugin&gt;/&lt;network&gt;/&lt;file&gt;</c>):
/// names that cannot escape the directory, writes that survive a concurrent DEL removing the directory, and a
/// directory that goes with its last file. Modes are host-local's (Go's 0755 directories, 0644 files), set explicitly
/// so that a runtime running plugins with umask 0 gets no world-writable state.
/// </summary>
public static class NetworkStateDir
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Creates or replaces <paramref name="path"/> with <paramref name="bytes"/>, a new file with <see cref="FileMode"/>.</summary>
    public static void WriteFile(string path, byte[] bytes)
    {
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = System.IO.FileMode.Create, Access = FileAccess.Write, UnixCreateMode = FileMode,
        });
        file.Write(bytes);
    }

    /// <summary>A name as a file name: a '/' or a leading '.' cannot escape the directory.</summary>
    public static string SafeName(string name)
    {
        var s = name.Replace('/', '_').Replace('\0', '_');
        return s.Length == 0 || s[0] == '.' ? "_" + s : s;
    }

    /// <summary>Creates <paramref name="dir"/> and runs <paramref name="write"/>, again when a concurrent DEL removed the directory in between.</summary>
    public static void Write(string dir, Action write)
    {
        for (var attempt = 1; ; attempt++)
        {
            StateDirectories.Create(dir, DirectoryMode);
            try
            {
                write();
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // The network's last file went, and its directory with it, between the two steps.
            }
        }
    }

    /// <summary>Removes the directory when it is empty; a concurrent ADD that refilled it keeps it.</summary>
    public static void RemoveIfEmpty(string dir)
    {
        try
        {
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
        catch (IOException)
        {
            // Refilled meanwhile: it stays.
        }
    }
}
