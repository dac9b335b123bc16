using System.Diagnostics.CodeAnalysis;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace CniBox.Applets;

/// <summary>
/// An ILogger that builds the Serilog pipeline only when an event at an enabled level is first written.
/// Most plugin calls log nothing at the default level, and building Serilog costs start-up time on every exec.
/// </summary>
public sealed class DeferredLogger(LogEventLevel minimum, Func<Logger> create) : ILogger, IDisposable
{
    private Logger? _logger;

    private Logger Inner => _logger ??= create();

    public bool IsEnabled(LogEventLevel level) => level >= minimum;

    public void Write(LogEvent logEvent)
    {
        if (IsEnabled(logEvent.Level)) Inner.Write(logEvent);
    }

    public bool BindMessageTemplate(string messageTemplate, object?[]? propertyValues,
        [NotNullWhen(true)] out MessageTemplate? parsedTemplate, [NotNullWhen(true)] out IEnumerable<LogEventProperty>? boundProperties) =>
        Inner.BindMessageTemplate(messageTemplate, propertyValues, out parsedTemplate, out boundProperties);

    public bool BindProperty(string? propertyName, object? value, bool destructureObjects,
        [NotNullWhen(true)] out LogEventProperty? property) =>
        Inner.BindProperty(propertyName, value, destructureObjects, out property);

    public ILogger ForContext(ILogEventEnricher enricher) => Inner.ForContext(enricher);

    public void Dispose() => _logger?.Dispose();
}
