namespace CniBox.Spec.Skeleton;

/// <summary>What an applet is for; shown by <c>cnibox --list -v</c> and the README table.</summary>
public enum AppletKind { Plugin, Ipam, Meta, Tool }

/// <summary>One program inside the multi-call binary. Everything it touches comes through the context.</summary>
public interface IApplet
{
    string Name { get; }
    AppletKind Kind { get; }
    int Run(AppletContext ctx);
}
