using System.Text;
using CniBox.Spec.Results;

namespace CniBox.Spec.Skeleton;

/// <summary>
/// The plugin side of the CNI protocol: env table, stdin (read once), version gates, the applet's config
/// (parsed once, by <see cref="Parse"/>), dispatch to a verb, error JSON. Applets implement ADD, DEL and CHECK;
/// GC and STATUS default to the spec's successful no-op.
/// </summary>
/// <typeparam name="TConfig">The applet's view of its stdin, as its Go plugin's loadConf builds it.</typeparam>
public abstract class CniPlugin<TConfig> : IApplet, IInProcessPlugin
{
    public const int MaxStdinBytes = 16 << 20;

    /// <summary>
    /// Decodes the call's config (stdin and CNI_ARGS) with the Go plugin's texts and codes. It runs once, before
    /// the verb. It may look at <see cref="PluginCall.Command"/>: Go's verbs do not all read the config (static's
    /// DEL reads nothing), and a config only ADD would refuse must not fail them.
    /// </summary>
    protected abstract TConfig Parse(PluginCall call);

    /// <summary>The spec versions the plugin speaks (VERSION, the version gate); Go's bandwidth starts at 0.3.0.</summary>
    protected virtual IReadOnlyList<string> SupportedVersions => CniVersion.Supported;

    /// <summary>The first stderr line when run without CNI_COMMAND (Go's bv.BuildString); firewall's is what nerdctl parses.</summary>
    protected virtual string About(string appletName) => $"CNI {appletName} plugin, cnibox {BuildInfo.Version}";

    protected abstract CniResult Add(PluginCall call, TConfig config);
    protected abstract void Del(PluginCall call, TConfig config);
    protected abstract void Check(PluginCall call, TConfig config);
    protected virtual void Gc(PluginCall call, TConfig config) { }
    protected virtual void Status(PluginCall call, TConfig config) { }

    public void Validate(PluginCall call) => Parse(call);

    public CniResult? Handle(PluginCall call)
    {
        var config = Parse(call);
        switch (call.Command)
        {
            case CniCommand.Add: return Add(call, config);
            case CniCommand.Del: Del(call, config); break;
            case CniCommand.Check: Check(call, config); break;
            case CniCommand.Gc: Gc(call, config); break;
            case CniCommand.Status: Status(call, config); break;
        }
        return null;
    }

    public int Run(AppletContext ctx)
    {
        var configVersion = (string?)null;
        try
        {
            return Dispatch(ctx, ref configVersion);
        }
        catch (CniException e)
        {
            ctx.PluginLog.Debug(e, "{Applet} failed with code {Code}: {Msg}", ctx.Name, e.Code, e.Msg);
            return WriteError(ctx, e, configVersion);
        }
        catch (Exception e)
        {
            ctx.PluginLog.Error(e, "{Applet} failed: {Message}", ctx.Name, TextOf(e));
            return WriteError(ctx, new CniException(ErrorCode.Internal, TextOf(e)), configVersion);
        }
    }

    /// <summary>
    /// An exception's own text: an ArgumentException's without the parameter suffix the runtime appends (under
    /// NativeAOT the bare resource key "Arg_ParamName_Name, name"), which says nothing to the runtime's user.
    /// </summary>
    internal static string TextOf(Exception e)
    {
        if (e is not ArgumentException { ParamName: { } param } || e.GetType() != typeof(ArgumentException)) return e.Message;
        var suffix = new ArgumentException("", param).Message;
        return e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
    }

    private int Dispatch(AppletContext ctx, ref string? configVersion)
    {
        var commandText = ctx.Getenv("CNI_COMMAND");
        if (string.IsNullOrEmpty(commandText))
        {
            ctx.Stderr.WriteLine(About(ctx.Name));
            ctx.Stderr.WriteLine($"CNI protocol versions supported: {string.Join(", ", SupportedVersions)}");
            return 0;
        }
        var command = PluginEnvironment.ParseCommand(commandText);
        PluginEnvironment.Validate(command, ctx.Getenv);
        if (command == CniCommand.Version)
        {
            Write(ctx, VersionInfo.For(SupportedVersions) + "\n");
            return 0;
        }

        var stdin = ReadStdin(ctx.Stdin);
        var header = ConfigHeader.Parse(stdin);
        configVersion = header.CniVersion;
        if (command is not { } cmd)
            throw new CniException(ErrorCode.InvalidEnvironment, $"unknown CNI_COMMAND: {commandText}");
        VersionGate.Check(cmd, header, SupportedVersions);

        var call = new PluginCall
        {
            Command = cmd,
            ContainerId = ctx.Getenv("CNI_CONTAINERID") ?? "",
            Netns = ctx.Getenv("CNI_NETNS") ?? "",
            IfName = ctx.Getenv("CNI_IFNAME") ?? "",
            Args = ctx.Getenv("CNI_ARGS") ?? "",
            Path = (ctx.Getenv("CNI_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries),
            StdinData = stdin,
            CniVersion = header.CniVersion,
            NetworkName = header.Name,
            Context = ctx,
        };
        // The Go skel checks this after ADD/DEL have already acted; checking first leaves the host untouched.
        if (cmd is CniCommand.Add or CniCommand.Del && !NetnsOverride(ctx) && call.Netns.Length > 0 && ctx.IsOwnNetns(call.Netns))
            throw new CniException(ErrorCode.InvalidNetns, "plugin's netns and netns from CNI_NETNS should not be the same");

        ctx.PluginLog.Debug("{Command} container={ContainerId} netns={Netns} ifname={IfName} version={Version}",
            commandText, call.ContainerId, call.Netns, call.IfName, call.CniVersion);
        if (Handle(call) is { } result) Write(ctx, result.ToJson(call.CniVersion));
        return 0;
    }

    private static bool NetnsOverride(AppletContext ctx) =>
        ctx.Getenv("CNI_NETNS_OVERRIDE") is { } v && (v == "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads stdin whole into a buffer that starts at one page and doubles: a config is a few KiB, and a larger
    /// first buffer is zeroed memory (page faults, peak RSS) on every call.
    /// </summary>
    private static byte[] ReadStdin(Stream stdin)
    {
        var buffer = new byte[4096];
        var length = 0;
        try
        {
            int n;
            while ((n = stdin.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += n;
                if (length > MaxStdinBytes)
                    throw new CniException(ErrorCode.IoFailure, "error reading from stdin: config exceeds 16 MiB");
                if (length == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
        catch (IOException e)
        {
            throw new CniException(ErrorCode.IoFailure, $"error reading from stdin: {e.Message}");
        }
        return buffer.AsSpan(0, length).ToArray();
    }

    private static int WriteError(AppletContext ctx, CniException error, string? configVersion)
    {
        Write(ctx, CniErrorJson.Format(error, configVersion ?? CniVersion.Current));
        return 1;
    }

    private static void Write(AppletContext ctx, string text)
    {
        ctx.Stdout.Write(Encoding.UTF8.GetBytes(text));
        ctx.Stdout.Flush();
    }
}
