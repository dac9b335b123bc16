using System.CommandLine;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets;

/// <summary><c>cnibox</c> called by its own name: list, install, version and usage.</summary>
public static class FrontDoor
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string binaryPath)
    {
        var list = new Option<bool>("--list") { Description = "Print one applet name per line" };
        var install = new Option<DirectoryInfo?>("--install") { Description = "Create a symlink per applet in DIR", HelpName = "DIR" };
        var force = new Option<bool>("--force") { Description = "With --install: replace files that are not symlinks" };
        var root = new RootCommand("cnibox: the CNI reference plugins and cnitool in one binary.") { list, install, force };
        root.SetAction(parse =>
        {
            if (parse.GetValue(list))
            {
                foreach (var entry in AppletTable.All) stdout.WriteLine(entry.Name);
                return 0;
            }
            if (parse.GetValue(install) is { } dir)
                return SymlinkInstaller.Install(dir.FullName, binaryPath, parse.GetValue(force), stdout, stderr);
            PrintUsage(stdout);
            return 0;
        });
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    public static void PrintUsage(TextWriter output)
    {
        output.WriteLine("Usage: cnibox <applet> [args...]   or   <applet> [args...] via a symlink named after it");
        output.WriteLine("       cnibox --list | --version | --install DIR [--force] | --help");
        output.WriteLine();
        output.WriteLine("Applets:");
        foreach (var entry in AppletTable.All)
            output.WriteLine($"  {entry.Name,-12} {Describe(entry.Kind)}");
    }

    private static string Describe(AppletKind kind) => kind switch
    {
        AppletKind.Plugin => "CNI plugin",
        AppletKind.Ipam => "CNI IPAM plugin",
        AppletKind.Meta => "CNI chained plugin",
        _ => "tool",
    };
}
