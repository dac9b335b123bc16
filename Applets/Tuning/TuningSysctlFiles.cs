using CniBox.Netlink;
using CniBox.Netlink.Namespaces;

namespace CniBox.Applets.Tuning;

/// <summary>
/// Reads and writes the resolved sysctl files inside the container's netns. /proc/sys/net resolves against the
/// opener's netns, so each batch runs on this thread switched in briefly (two setns, no thread).
/// </summary>
public static class TuningSysctlFiles
{
    /// <summary>
    /// The current value of each file (paths relative to /proc/sys), first occurrence only, as absolute paths.
    /// A file that does not exist fails as Go's write would; a write-only one (a trigger such as
    /// <c>route/flush</c>) has no value to put back and is left out.
    /// </summary>
    public static List<KeyValuePair<string, string>> ReadPrevious(NetNsHandle ns, IReadOnlyList<string> files) =>
        NetNs.RunBriefly(ns, () =>
        {
            var previous = new List<KeyValuePair<string, string>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                if (!seen.Add(file)) continue;
                try
                {
                    previous.Add(new(TuningSysctls.Absolute(file), Sysctl.Read(file)));
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
            return previous;
        });

    /// <summary>Writes the values in order; the first failure is thrown with Go's text ("write PATH: ...").</summary>
    public static void Write(NetNsHandle ns, IReadOnlyList<KeyValuePair<string, string>> values) =>
        NetNs.RunBriefly(ns, () =>
        {
            foreach (var (file, value) in values) Sysctl.Write(file, value);
            return true;
        });

    /// <summary>
    /// Puts <paramref name="previous"/> (absolute paths) back, last written first. A file that is gone (its
    /// interface was deleted) needs nothing; other failures are returned.
    /// </summary>
    public static List<string> Restore(NetNsHandle ns, IReadOnlyList<KeyValuePair<string, string>> previous) =>
        NetNs.RunBriefly(ns, () =>
        {
            var errors = new List<string>();
            for (var i = previous.Count - 1; i >= 0; i--)
            {
                var (file, value) = previous[i];
                try
                {
                    Sysctl.Write(file["/proc/sys/".Length..], value);
                }
                catch (FileNotFoundException)
                {
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    errors.Add($"failed to restore sysctl {file}: {e.Message}");
                }
            }
            return errors;
        });
}
