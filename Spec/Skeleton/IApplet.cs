using CniBox.Spec.Results;

namespace CniBox.Spec.Skeleton;

/// <summary>What an applet is for; shown by <c>cnibox --help</c> and the README table.</summary>
public enum AppletKind { Plugin, Ipam, Meta, Tool }

/// <summary>
/// One program inside the multi-call binary. Everything it touches comes through the context, its name too
/// (<see cref="AppletContext.Name"/>): the applet table is the one place that names an applet.
/// </summary>
public interface IApplet
{
    int Run(AppletContext ctx);
}

/// <summary>
/// A plugin another applet can run inside its own process (bridge and ptp reach host-local and static this way):
/// one verb of an already validated call, the result as an object instead of JSON on stdout.
/// </summary>
public interface IInProcessPlugin
{
    /// <summary>The verb <see cref="PluginCall.Command"/>; the result for ADD, null for the other verbs.</summary>
    CniResult? Handle(PluginCall call);

    /// <summary>Decodes the call's config as <see cref="Handle"/> would and acts on nothing: its config errors, early.</summary>
    void Validate(PluginCall call) { }
}
