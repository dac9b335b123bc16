using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets;

/// <summary><c>cnibox</c> called by its own name: list, install, version and usage.</summary>
public static class FrontDoor
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string binaryPath)
    {
        // Described in Usage, the one help text.
        var list = new Option<bool>("--list");
        var install = new Option<DirectoryInfo?>("--install");
        var force = new Option<bool>("--force");
        var root = new RootCommand("cnibox: the CNI reference plugins and cnitool in one binary.") { list, install, force };
        // --help, -h, -? and a parse error show the same usage as bare cnibox, not a generated one.
        foreach (var help in root.Options.OfType<HelpOption>())
            help.Action = new UsageAction(stdout);
        root.SetAction(parse =>
        {
            if (parse.GetValue(list))
            {
                foreach (var entry in AppletTable.All) stdout.WriteLine(entry.Name);
                return 0;
            }
            if (parse.GetValue(install) is { } dir)
                return SymlinkInstaller.Install(dir.FullName, binaryPath, parse.GetValue(force), stdout, stderr);
            Usage(stdout);
            return 0;
        });
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static void Usage(TextWriter output)
    {
        output.WriteLine("Usage: cnibox <applet> [args...]   or   <applet> [args...] via a symlink named after it");
        output.WriteLine("       cnibox --list | --version | --install DIR [--force] | --help");
        output.WriteLine();
        output.WriteLine("Options:");
        output.WriteLine("  --list             print one applet name per line");
        output.WriteLine("  --install DIR      create a symlink per applet in DIR (--force: replace files that are not symlinks)");
        output.WriteLine("  --version          print the version");
        output.WriteLine("  -h, --help         print this text");
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

    private sealed class UsageAction(TextWriter output) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            Usage(output);
            return 0;
        }
    }
}
