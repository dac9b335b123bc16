namespace CniBox.Tests.Support.EndToEnd;

/// <summary>
/// The host dirs <c>ctr run --cni</c> cannot be pointed elsewhere: it loads the FIRST file of <c>/etc/cni/net.d</c>
/// and execs plugins from <c>CNI_PATH=/opt/cni/bin:/usr/lib/cni</c> (Debian's patch). For one test this writes a
/// conflist that sorts first and puts cnibox's symlinks into <c>/opt/cni/bin</c>, only when that dir is absent,
/// empty or holds nothing but cnibox (then it is moved aside whole and moved back); a dir holding other plugins
/// skips the test, since ctr would run those. Dispose restores both dirs as they were, also after a failure.
/// </summary>
public sealed class CtrHostCniDirs : IDisposable
{
    public const string ConfDir = "/etc/cni/net.d";
    public const string BinDir = "/opt/cni/bin";
    private static readonly string[] ConfExtensions = [".conf", ".conflist", ".json"];

    private readonly string _confFile;
    private readonly List<string> _created = [];
    private string? _backup;
    private bool _installed;

    public CtrHostCniDirs(string confFileName, string conflist)
    {
        _confFile = Path.Combine(ConfDir, confFileName);
        Assume.That(File.Exists(_confFile), Is.False, $"{_confFile} exists: a leftover of another run, or not ours");
        var first = Directory.Exists(ConfDir)
            ? Directory.EnumerateFiles(ConfDir).Select(Path.GetFileName).Where(IsConfFile).Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
        Assume.That(first is null || string.CompareOrdinal(confFileName, first) < 0, Is.True,
            $"{ConfDir}/{first} sorts before {confFileName}: ctr would load it");
        Found = InspectBinDir();
        try
        {
            CreateDir(ConfDir);
            File.WriteAllText(_confFile, conflist);
            InstallSymlinks();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What /opt/cni/bin held before the test, for the test's output.</summary>
    public string Found { get; }

    public void Dispose()
    {
        File.Delete(_confFile);
        if (_installed)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(BinDir)) File.Delete(entry);
            if (_backup is not null)
            {
                Directory.Delete(BinDir);
                Directory.Move(_backup, BinDir);
            }
        }
        foreach (var dir in Enumerable.Reverse(_created))
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
    }

    private static bool IsConfFile(string? name) => ConfExtensions.Contains(Path.GetExtension(name));

    private string InspectBinDir()
    {
        if (!Directory.Exists(BinDir)) return $"{BinDir} absent: created for the test and removed after";
        var entries = Directory.EnumerateFileSystemEntries(BinDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (entries.Count == 0) return $"{BinDir} empty: cnibox's symlinks added for the test and removed after";
        var foreign = entries.Where(name => !IsCnibox(Path.Combine(BinDir, name!))).ToList();
        Assume.That(foreign, Is.Empty, $"{BinDir} holds other plugins ({string.Join(' ', foreign)}): ctr would run them");
        _backup = $"{BinDir}.cbt-ctr-backup";
        Assume.That(Directory.Exists(_backup), Is.False, $"{_backup} exists: restore it to {BinDir} first");
        return $"{BinDir} held cnibox only ({entries.Count} entries): moved to {_backup} for the test and back after";
    }

    /// <summary>cnibox itself, or a symlink whose final target is a file named cnibox.</summary>
    private static bool IsCnibox(string path)
    {
        var info = new FileInfo(path);
        var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true);
        return target is { Name: "cnibox", Exists: true };
    }

    private void InstallSymlinks()
    {
        if (_backup is not null) Directory.Move(BinDir, _backup);
        CreateDir("/opt/cni");
        CreateDir(BinDir);
        _installed = true;
        var result = PluginProcess.Run(Binaries.Cnibox, new Dictionary<string, string>(), args: ["--install", BinDir]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"cnibox --install {BinDir} failed: {result.Stderr}");
    }

    private void CreateDir(string dir)
    {
        if (Directory.Exists(dir)) return;
        Directory.CreateDirectory(dir);
        _created.Add(dir);
    }
}
