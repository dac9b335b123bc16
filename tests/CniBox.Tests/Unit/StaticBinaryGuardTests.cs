using CniBox.Tests.Support;

namespace CniBox.Tests.Unit;

/// <summary>
/// APIs that make the static binary dlopen a shared library. .NET's crypto (RandomNumberGenerator, SHA*, ...) loads
/// libssl, which brings a second libc.so.6 into the process: bridge/ptp then corrupted their heap at random
/// (null delegates, a broken environment dictionary, SIGSEGV in the allocator). Process.Start's vfork path is out too.
/// </summary>
public class StaticBinaryGuardTests
{
    private static readonly string[] Scanned = ["Spec", "Applets", "Ipam", "Netlink", "Program.cs"];
    private static readonly string[] Forbidden =
        ["System.Security.Cryptography", "RandomNumberGenerator", "SHA512.", "SHA256.", "System.Diagnostics.Process", "Process.Start"];

    [Test]
    public void ProductCodeAvoidsApisThatLoadSharedLibraries()
    {
        var offenders = new List<string>();
        foreach (var entry in Scanned)
        {
            var full = Path.Combine(Binaries.RepoRoot, entry);
            var files = File.Exists(full) ? [full]
                : Directory.Exists(full) ? Directory.EnumerateFiles(full, "*.cs", SearchOption.AllDirectories) : [];
            foreach (var file in files)
            {
                var relative = Path.GetRelativePath(Binaries.RepoRoot, file);
                if (relative.Contains("/obj/") || relative.Contains("/bin/")) continue;
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                    if (!lines[i].TrimStart().StartsWith("//") && Forbidden.Any(lines[i].Contains))
                        offenders.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
            }
        }
        Assert.That(offenders, Is.Empty, "these pull a shared library (OpenSSL -> a second libc) into the static binary");
    }
}
