using System.Diagnostics;
using System.Text.RegularExpressions;
using CniBox.Applets;
using CniBox.Tests.Support;

namespace CniBox.Tests.Processes;

[Category("process")]
public class FrontDoorProcessTests
{
    private static ProcessResult Cnibox(params string[] args)
    {
        Binaries.RequirePublished();
        return PluginProcess.Run(Binaries.Cnibox, new Dictionary<string, string>(), args: args);
    }

    [Test]
    public void ListPrintsOneAppletPerLine() =>
        Assert.That(Cnibox("--list").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(AppletTable.All.Select(e => e.Name)));

    [Test]
    public void VersionPrintsTheVersion() => Assert.That(Cnibox("--version").Stdout.Trim(), Does.Match(@"^\d+\.\d+\.\d+"));

    [Test]
    public void NoArgumentsPrintsUsageWithApplets()
    {
        var result = Cnibox();
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Stdout, Does.Contain("Usage: cnibox").And.Contain("loopback"));
    }

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("-?")]
    public void HelpIsTheSameUsageAsNoArguments(string flag)
    {
        var help = Cnibox(flag);
        Assert.That(help.ExitCode, Is.EqualTo(0), help.Stderr);
        Assert.That(help.Stdout, Is.EqualTo(Cnibox().Stdout));
        Assert.That(help.Stdout, Does.StartWith("Usage: cnibox <applet> [args...]").And.Contain("via a symlink named after it"));
        foreach (var entry in AppletTable.All)
            Assert.That(help.Stdout, Does.Match($@"\n  {Regex.Escape(entry.Name)} +\S"), $"{entry.Name} is listed");
    }

    [Test]
    public void AnUnknownOptionFailsWithTheSameUsage()
    {
        var result = Cnibox("--bogus");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("--bogus"));
        Assert.That(result.Stdout.TrimStart('\n'), Is.EqualTo(Cnibox().Stdout), "System.CommandLine puts a blank line first");
    }

    [Test]
    public void UnknownAppletExits127WithOneLine()
    {
        var result = Cnibox("nosuch");
        Assert.That(result.ExitCode, Is.EqualTo(127));
        Assert.That(result.Stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("nosuch"));
    }

    [Test]
    public void UnknownSymlinkNameExits127()
    {
        var dir = Directory.CreateTempSubdirectory("cnibox-unknown").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(dir, "nosuch"), Path.GetFullPath(Binaries.Cnibox));
            Assert.That(PluginProcess.Run(Path.Combine(dir, "nosuch"), new()).ExitCode, Is.EqualTo(127));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void InstallIsIdempotentAndRespectsRegularFiles()
    {
        var dir = Directory.CreateTempSubdirectory("cnibox-install").FullName;
        try
        {
            Assert.That(Cnibox("--install", dir).ExitCode, Is.EqualTo(0));
            Assert.That(Cnibox("--install", dir).ExitCode, Is.EqualTo(0), "second run changes nothing and succeeds");
            var link = new FileInfo(Path.Combine(dir, "loopback"));
            Assert.That(link.LinkTarget, Is.EqualTo(Path.GetFullPath(Binaries.Cnibox)));

            File.Delete(link.FullName);
            File.WriteAllText(link.FullName, "a Go plugin");
            Assert.That(Cnibox("--install", dir).ExitCode, Is.EqualTo(1), "a regular file is not replaced");
            Assert.That(File.ReadAllText(link.FullName), Is.EqualTo("a Go plugin"));
            Assert.That(Cnibox("--install", dir, "--force").ExitCode, Is.EqualTo(0));
            Assert.That(new FileInfo(link.FullName).LinkTarget, Is.Not.Null);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void SymlinksScriptCopiesAndLinks()
    {
        Binaries.RequirePublished();
        var dir = Directory.CreateTempSubdirectory("cnibox-symlinks").FullName;
        try
        {
            var script = Path.Combine(Binaries.RepoRoot, "symlinks.sh");
            var env = new Dictionary<string, string> { ["CNIBOX_BIN"] = Binaries.Cnibox };
            Assert.That(PluginProcess.Run("bash", env, args: [script, dir]).ExitCode, Is.EqualTo(0));
            Assert.That(PluginProcess.Run("bash", env, args: [script, dir]).ExitCode, Is.EqualTo(0));
            Assert.That(File.ResolveLinkTarget(Path.Combine(dir, "loopback"), false)?.Name, Is.EqualTo("cnibox"));
            var copy = new FileInfo(Path.Combine(dir, "cnibox"));
            Assert.That(copy.LinkTarget, Is.Null);
            Assert.That(copy.Length, Is.EqualTo(new FileInfo(Binaries.Cnibox).Length));

            File.Delete(Path.Combine(dir, "loopback"));
            File.WriteAllText(Path.Combine(dir, "loopback"), "a Go plugin");
            Assert.That(PluginProcess.Run("bash", env, args: [script, dir]).ExitCode, Is.Not.EqualTo(0));
            Assert.That(PluginProcess.Run("bash", env, args: [script, dir, "--force"]).ExitCode, Is.EqualTo(0));
            Assert.That(File.ResolveLinkTarget(Path.Combine(dir, "loopback"), false), Is.Not.Null);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void BinaryIsStaticAndOpensNoSharedLibrary()
    {
        Binaries.RequirePublished();
        Assume.That(File.Exists("/usr/bin/strace") && File.Exists("/usr/bin/file"), "needs strace and file");
        Assert.That(Run("file", "-L", Binaries.Cnibox), Does.Contain("statically linked"));
        // ADD with a non-netns path goes through Tmds.LibC (open, fstatfs) and Serilog before failing.
        var log = $"/tmp/cnibox-strace-{Environment.ProcessId}";
        Run("strace", "-f", "-s", "4096", "-e", "trace=openat,open", "-o", log,
            "-E", "CNI_COMMAND=ADD", "-E", "CNI_CONTAINERID=c", "-E", "CNI_NETNS=/tmp", "-E", "CNI_IFNAME=lo",
            "-E", "CNI_PATH=/x", Binaries.Cnibox, "loopback");
        var opened = File.ReadAllText(log);
        File.Delete(log);
        Assert.That(opened, Does.Contain("\"/tmp\""), "the trace saw the netns being opened");
        Assert.That(opened, Does.Not.Contain(".so"), "a static binary must not dlopen anything");
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardInput.Write("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}");
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
