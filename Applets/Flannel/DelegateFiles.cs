using System.Runtime.InteropServices;
using System.Text;
using CniBox.Interop;
using CniBox.Spec;
using Tmds.Linux;

namespace CniBox.Applets.Flannel;

/// <summary>
/// flannel's scratch netconfs: the delegate config ADD used, at <c>&lt;dataDir&gt;/&lt;containerID&gt;</c> (dir 0700,
/// file 0600), read back by DEL so it deletes what ADD created even after subnet.env changed or vanished.
/// </summary>
public sealed class DelegateFiles(string dataDir)
{
    /// <summary>
    /// Go's MkdirAll(0700) and WriteFile(0600). Through open(2)/write(2), the calls host-local's store already
    /// makes in this process: FileStream's machinery would be code paged in for this one file, a measurable part
    /// of the meta layer's cost. No fsync, as flannel: after a crash the netns is gone too, and a lost or torn file
    /// makes DEL succeed.
    /// </summary>
    public unsafe void Save(string containerId, string json)
    {
        CreateDataDir();
        var path = PathOf(containerId);
        int fd;
        fixed (byte* p = CString.Of(path))
            fd = LibC.open(p, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_TRUNC | LibC.O_CLOEXEC, 0b110_000_000);
        if (fd < 0) throw Failure("open", path, LibC.errno);
        try
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            fixed (byte* b = bytes)
            {
                for (var done = 0; done < bytes.Length;)
                {
                    long n = LibC.write(fd, b + done, bytes.Length - done);
                    if (n < 0 && LibC.errno == LibC.EINTR) continue;
                    if (n < 0) throw Failure("write", path, LibC.errno);
                    done += (int)n;
                }
            }
        }
        finally
        {
            LibC.close(fd);
        }
    }

    private unsafe void CreateDataDir()
    {
        int result, errno;
        fixed (byte* p = CString.Of(dataDir))
        {
            result = LibC.mkdir(p, 0b111_000_000);
            errno = result == 0 ? 0 : LibC.errno;
        }
        if (errno == LibC.ENOENT)
        {
            StateDirectories.Create(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return;
        }
        if (result != 0 && errno != LibC.EEXIST) throw Failure("mkdir", dataDir, errno);
    }

    /// <summary>Go's *PathError text: "open /var/lib/cni/flannel/x: permission denied".</summary>
    private static IOException Failure(string op, string path, int errno) =>
        new($"{op} {path}: {Marshal.GetPInvokeErrorMessage(errno).ToLowerInvariant()}");

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
