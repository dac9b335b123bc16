using System.Text;
using CniBox.Applets.Common;

namespace CniBox.Applets.CniTool;

/// <summary>How cnitool names the container: from the netns path alone, so add and del agree without state.</summary>
public static class ContainerIdentity
{
    /// <summary><c>cnitool-</c> + hex of the first 10 bytes of SHA-512 of the absolute, cleaned path.</summary>
    public static string ContainerId(string absoluteNetns) =>
        "cnitool-" + Convert.ToHexStringLower(Sha512.Hash(Encoding.UTF8.GetBytes(absoluteNetns)).AsSpan(0, 10));

    /// <summary>Go's <c>filepath.Abs</c>: join with the working directory when relative, then clean; symlinks stay.</summary>
    public static string Absolute(string path, string workingDirectory) =>
        Clean(path.StartsWith('/') ? path : workingDirectory + "/" + path);

    /// <summary>Go's <c>filepath.Clean</c> for Unix paths.</summary>
    public static string Clean(string path)
    {
        if (path == "") return ".";
        var rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
                else if (!rooted) parts.Add("..");
                continue;
            }
            parts.Add(part);
        }
        var joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined == "" ? "." : joined;
    }
}
