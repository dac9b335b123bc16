using System.Diagnostics;

namespace CniBox.Tests.Support.EndToEnd;

/// <summary>
/// The offline image of every end-to-end test: Debian's busybox-static installed into a directory (every applet a
/// symlink, <c>/www/index.html</c> served by <c>httpd</c>), built once per test run under /tmp and removed at exit.
/// Runtimes take it as a rootfs (<c>podman run --rootfs</c>, <c>ctr run --rootfs</c>) or, through
/// <see cref="Tarball"/>, as an image to import.
/// </summary>
public static class BusyboxRootfs
{
    public const string Busybox = "/bin/busybox";

    /// <summary>What <c>/www/index.html</c> holds, so an HTTP answer can be told from any other.</summary>
    public const string IndexHtml = "cnibox end-to-end\n";

    private static readonly Lazy<string> Built = new(Build);
    private static readonly Lazy<string> Tarred = new(Tar);

    /// <summary>The rootfs directory (shared and read-only by convention: do not write into it).</summary>
    public static string Dir => Built.Value;

    /// <summary><c>rootfs.tar</c> of <see cref="Dir"/>, for <c>podman import</c>.</summary>
    public static string Tarball => Tarred.Value;

    public static void Require() =>
        Assume.That(IsStatic(), $"{Busybox} is not Debian's busybox-static (tests/deps.sh installs busybox-static)");

    private static bool IsStatic() =>
        File.Exists(Busybox) && Run("file", "-L", Busybox).Contains("statically linked", StringComparison.Ordinal);

    private static string Build()
    {
        Require();
        var root = Directory.CreateTempSubdirectory("cbt-rootfs-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(root, true); } catch (IOException) { } };
        foreach (var dir in new[] { "bin", "sbin", "usr/bin", "usr/sbin", "etc", "www", "proc", "sys", "dev", "tmp", "run", "var" })
            Directory.CreateDirectory(Path.Combine(root, dir));
        File.Copy(Busybox, Path.Combine(root, "bin", "busybox"));
        Run("chroot", root, "/bin/busybox", "--install", "-s");
        File.WriteAllText(Path.Combine(root, "www", "index.html"), IndexHtml);
        File.WriteAllText(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        File.WriteAllText(Path.Combine(root, "etc", "group"), "root:x:0:\nnobody:x:65534:\n");
        return root;
    }

    private static string Tar()
    {
        var tarball = Path.Combine(Path.GetDirectoryName(Dir)!, Path.GetFileName(Dir) + ".tar");
        Run("tar", "-C", Dir, "-cf", tarball, ".");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(tarball);
        return tarball;
    }

    private static string Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Trim()}");
        return stdout.Result;
    }
}
