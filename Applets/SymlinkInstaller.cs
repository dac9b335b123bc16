namespace CniBox.Applets;

/// <summary><c>cnibox --install DIR</c>: one symlink per applet, pointing at the running binary.</summary>
public static class SymlinkInstaller
{
    public static int Install(string dir, string target, bool force, TextWriter stdout, TextWriter stderr)
    {
        Directory.CreateDirectory(dir);
        foreach (var entry in AppletTable.All)
        {
            var link = Path.Combine(dir, entry.Name);
            var existing = new FileInfo(link);
            if (existing.Exists || existing.LinkTarget is not null)
            {
                if (existing.LinkTarget is null && !force)
                {
                    stderr.WriteLine($"cnibox: {link} exists and is not a symlink; use --force to replace it");
                    return 1;
                }
                if (existing.LinkTarget == target) continue;
                File.Delete(link);
            }
            File.CreateSymbolicLink(link, target);
            stdout.WriteLine($"{link} -> {target}");
        }
        return 0;
    }
}
