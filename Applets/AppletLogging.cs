using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace CniBox.Applets;

/// <summary>
/// Serilog from code only: stderr at CNIBOX_LOG_LEVEL (default Warning), plus compact JSON to CNIBOX_LOG_FILE.
/// stdout is the CNI result and never receives a log line.
/// </summary>
public static class AppletLogging
{
    public const string LevelVariable = "CNIBOX_LOG_LEVEL";
    public const string FileVariable = "CNIBOX_LOG_FILE";

    /// <summary>The applet's logger; Serilog itself is only built once something is actually logged.</summary>
    public static DeferredLogger Create(string applet, Func<string, string?> getenv, TextWriter stderr)
    {
        var level = ParseLevel(getenv(LevelVariable));
        var file = getenv(FileVariable);
        return new DeferredLogger(level, () => Build(applet, level, file, stderr));
    }

    private static Logger Build(string applet, LogEventLevel level, string? file, TextWriter stderr)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .Enrich.WithProperty("Applet", applet)
            .WriteTo.Sink(new TextWriterSink(stderr, withStackTraces: level <= LogEventLevel.Debug));
        if (file is { Length: > 0 } path)
            config = config.Enrich.WithProperty("Pid", Environment.ProcessId)
                .WriteTo.Sink(new AppendFileSink(path, new CompactJsonFormatter()));
        return config.CreateLogger();
    }

    /// <summary>Serilog's level names, plus the usual short forms (info, warn, trace).</summary>
    public static LogEventLevel ParseLevel(string? text) => text?.ToLowerInvariant() switch
    {
        "trace" => LogEventLevel.Verbose,
        "info" => LogEventLevel.Information,
        "warn" => LogEventLevel.Warning,
        "err" => LogEventLevel.Error,
        "verbose" => LogEventLevel.Verbose,
        "debug" => LogEventLevel.Debug,
        "information" => LogEventLevel.Information,
        "warning" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        "fatal" => LogEventLevel.Fatal,
        _ => LogEventLevel.Warning,
    };
}
