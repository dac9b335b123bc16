using CniBox.Applets;
using CniBox.Netlink.Namespaces;
using CniBox.Spec.Skeleton;

// argv[0] as the runtime exec'd it (NativeAOT keeps it raw), so a symlink's name selects the applet.
switch (AppletResolver.Resolve(Environment.GetCommandLineArgs()[0], args))
{
    case Resolution.Applet applet:
        using (var log = AppletLogging.Create(applet.Entry.Name, Environment.GetEnvironmentVariable, StandardStreams.Stderr))
        {
            var ctx = AppletContext.FromProcess(applet.Entry.Name, applet.Args, log, NetNs.IsCurrent);
            return applet.Entry.Create().Run(ctx);
        }
    case Resolution.FrontDoor frontDoor:
        return FrontDoor.Run(frontDoor.Args, StandardStreams.Writer(1), StandardStreams.Stderr, Environment.ProcessPath ?? "/proc/self/exe");
    case Resolution.Unknown unknown:
        StandardStreams.Stderr.WriteLine($"cnibox: applet not found: {unknown.Name} (try: cnibox --list)");
        return 127;
    default:
        return 127;
}
