namespace CniBox.Applets;

/// <summary>What the command line asks for: an applet, the cnibox front door, or a name we do not know.</summary>
public abstract record Resolution
{
    public sealed record Applet(AppletEntry Entry, string[] Args) : Resolution;
    public sealed record FrontDoor(string[] Args) : Resolution;
    public sealed record Unknown(string Name) : Resolution;
}

/// <summary>busybox-style dispatch: the basename of argv[0] names the applet, unless it is <c>cnibox</c>.</summary>
public static class AppletResolver
{
    public const string BinaryName = "cnibox";

    public static Resolution Resolve(string argv0, string[] args)
    {
        var name = AppletName(argv0);
        if (name != BinaryName)
            return Lookup(name, args);
        if (args.Length == 0 || args[0].StartsWith('-'))
            return new Resolution.FrontDoor(args);
        return Lookup(args[0], args[1..]);
    }

    /// <summary>Basename, with a leading '-' (login-shell convention) stripped.</summary>
    public static string AppletName(string argv0)
    {
        var slash = argv0.LastIndexOf('/');
        var name = slash >= 0 ? argv0[(slash + 1)..] : argv0;
        return name.TrimStart('-');
    }

    private static Resolution Lookup(string name, string[] args) =>
        AppletTable.Find(name) is { } entry ? new Resolution.Applet(entry, args) : new Resolution.Unknown(name);
}
