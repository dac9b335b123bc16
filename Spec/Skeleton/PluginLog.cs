using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace CniBox.Spec.Skeleton;

/// <summary>
/// The logger applets write to (<see cref="PluginCall.Log"/>): the level is checked here, before the call reaches the
/// inner Serilog logger. Serilog's generic overloads (Debug&lt;T&gt; and the like) are generic virtual methods of an
/// interface, which NativeAOT resolves at run time through its type loader on the first call of each (over 100,000
/// instructions, and the pages of code that maps), even when the level is off; on this sealed class they are direct
/// calls, and an enabled event goes on through the non-generic Write, where Serilog's own overloads end up too.
/// </summary>
public sealed class PluginLog(ILogger inner) : ILogger
{
    public bool IsEnabled(LogEventLevel level) => inner.IsEnabled(level);

    public void Write(LogEvent logEvent) => inner.Write(logEvent);

    public ILogger ForContext(ILogEventEnricher enricher) => inner.ForContext(enricher);

    public void Verbose(string messageTemplate) => Emit(LogEventLevel.Verbose, null, messageTemplate);
    public void Verbose<T>(string messageTemplate, T value) => Emit(LogEventLevel.Verbose, null, messageTemplate, value);
    public void Verbose<T0, T1>(string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Verbose, null, messageTemplate, value0, value1);
    public void Verbose<T0, T1, T2>(string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Verbose, null, messageTemplate, value0, value1, value2);
    public void Verbose(string messageTemplate, params object?[]? values) => EmitValues(LogEventLevel.Verbose, null, messageTemplate, values);
    public void Verbose(Exception? exception, string messageTemplate) => Emit(LogEventLevel.Verbose, exception, messageTemplate);
    public void Verbose<T>(Exception? exception, string messageTemplate, T value) => Emit(LogEventLevel.Verbose, exception, messageTemplate, value);
    public void Verbose<T0, T1>(Exception? exception, string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Verbose, exception, messageTemplate, value0, value1);
    public void Verbose<T0, T1, T2>(Exception? exception, string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Verbose, exception, messageTemplate, value0, value1, value2);
    public void Verbose(Exception? exception, string messageTemplate, params object?[]? values) =>
        EmitValues(LogEventLevel.Verbose, exception, messageTemplate, values);

    public void Debug(string messageTemplate) => Emit(LogEventLevel.Debug, null, messageTemplate);
    public void Debug<T>(string messageTemplate, T value) => Emit(LogEventLevel.Debug, null, messageTemplate, value);
    public void Debug<T0, T1>(string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Debug, null, messageTemplate, value0, value1);
    public void Debug<T0, T1, T2>(string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Debug, null, messageTemplate, value0, value1, value2);
    public void Debug(string messageTemplate, params object?[]? values) => EmitValues(LogEventLevel.Debug, null, messageTemplate, values);
    public void Debug(Exception? exception, string messageTemplate) => Emit(LogEventLevel.Debug, exception, messageTemplate);
    public void Debug<T>(Exception? exception, string messageTemplate, T value) => Emit(LogEventLevel.Debug, exception, messageTemplate, value);
    public void Debug<T0, T1>(Exception? exception, string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Debug, exception, messageTemplate, value0, value1);
    public void Debug<T0, T1, T2>(Exception? exception, string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Debug, exception, messageTemplate, value0, value1, value2);
    public void Debug(Exception? exception, string messageTemplate, params object?[]? values) =>
        EmitValues(LogEventLevel.Debug, exception, messageTemplate, values);

    public void Information(string messageTemplate) => Emit(LogEventLevel.Information, null, messageTemplate);
    public void Information<T>(string messageTemplate, T value) => Emit(LogEventLevel.Information, null, messageTemplate, value);
    public void Information<T0, T1>(string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Information, null, messageTemplate, value0, value1);
    public void Information<T0, T1, T2>(string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Information, null, messageTemplate, value0, value1, value2);
    public void Information(string messageTemplate, params object?[]? values) => EmitValues(LogEventLevel.Information, null, messageTemplate, values);
    public void Information(Exception? exception, string messageTemplate) => Emit(LogEventLevel.Information, exception, messageTemplate);
    public void Information<T>(Exception? exception, string messageTemplate, T value) => Emit(LogEventLevel.Information, exception, messageTemplate, value);
    public void Information<T0, T1>(Exception? exception, string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Information, exception, messageTemplate, value0, value1);
    public void Information<T0, T1, T2>(Exception? exception, string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Information, exception, messageTemplate, value0, value1, value2);
    public void Information(Exception? exception, string messageTemplate, params object?[]? values) =>
        EmitValues(LogEventLevel.Information, exception, messageTemplate, values);

    public void Warning(string messageTemplate) => Emit(LogEventLevel.Warning, null, messageTemplate);
    public void Warning<T>(string messageTemplate, T value) => Emit(LogEventLevel.Warning, null, messageTemplate, value);
    public void Warning<T0, T1>(string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Warning, null, messageTemplate, value0, value1);
    public void Warning<T0, T1, T2>(string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Warning, null, messageTemplate, value0, value1, value2);
    public void Warning(string messageTemplate, params object?[]? values) => EmitValues(LogEventLevel.Warning, null, messageTemplate, values);
    public void Warning(Exception? exception, string messageTemplate) => Emit(LogEventLevel.Warning, exception, messageTemplate);
    public void Warning<T>(Exception? exception, string messageTemplate, T value) => Emit(LogEventLevel.Warning, exception, messageTemplate, value);
    public void Warning<T0, T1>(Exception? exception, string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Warning, exception, messageTemplate, value0, value1);
    public void Warning<T0, T1, T2>(Exception? exception, string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Warning, exception, messageTemplate, value0, value1, value2);
    public void Warning(Exception? exception, string messageTemplate, params object?[]? values) =>
        EmitValues(LogEventLevel.Warning, exception, messageTemplate, values);

    public void Error(string messageTemplate) => Emit(LogEventLevel.Error, null, messageTemplate);
    public void Error<T>(string messageTemplate, T value) => Emit(LogEventLevel.Error, null, messageTemplate, value);
    public void Error<T0, T1>(string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Error, null, messageTemplate, value0, value1);
    public void Error<T0, T1, T2>(string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Error, null, messageTemplate, value0, value1, value2);
    public void Error(string messageTemplate, params object?[]? values) => EmitValues(LogEventLevel.Error, null, messageTemplate, values);
    public void Error(Exception? exception, string messageTemplate) => Emit(LogEventLevel.Error, exception, messageTemplate);
    public void Error<T>(Exception? exception, string messageTemplate, T value) => Emit(LogEventLevel.Error, exception, messageTemplate, value);
    public void Error<T0, T1>(Exception? exception, string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Error, exception, messageTemplate, value0, value1);
    public void Error<T0, T1, T2>(Exception? exception, string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Error, exception, messageTemplate, value0, value1, value2);
    public void Error(Exception? exception, string messageTemplate, params object?[]? values) =>
        EmitValues(LogEventLevel.Error, exception, messageTemplate, values);

    public void Fatal(string messageTemplate) => Emit(LogEventLevel.Fatal, null, messageTemplate);
    public void Fatal<T>(string messageTemplate, T value) => Emit(LogEventLevel.Fatal, null, messageTemplate, value);
    public void Fatal<T0, T1>(string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Fatal, null, messageTemplate, value0, value1);
    public void Fatal<T0, T1, T2>(string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Fatal, null, messageTemplate, value0, value1, value2);
    public void Fatal(string messageTemplate, params object?[]? values) => EmitValues(LogEventLevel.Fatal, null, messageTemplate, values);
    public void Fatal(Exception? exception, string messageTemplate) => Emit(LogEventLevel.Fatal, exception, messageTemplate);
    public void Fatal<T>(Exception? exception, string messageTemplate, T value) => Emit(LogEventLevel.Fatal, exception, messageTemplate, value);
    public void Fatal<T0, T1>(Exception? exception, string messageTemplate, T0 value0, T1 value1) =>
        Emit(LogEventLevel.Fatal, exception, messageTemplate, value0, value1);
    public void Fatal<T0, T1, T2>(Exception? exception, string messageTemplate, T0 value0, T1 value1, T2 value2) =>
        Emit(LogEventLevel.Fatal, exception, messageTemplate, value0, value1, value2);
    public void Fatal(Exception? exception, string messageTemplate, params object?[]? values) =>
        EmitValues(LogEventLevel.Fatal, exception, messageTemplate, values);

    // The property values are boxed into an array only once the level is known to be on.
    private void Emit(LogEventLevel level, Exception? exception, string template)
    {
        if (inner.IsEnabled(level)) inner.Write(level, exception, template, []);
    }

    private void Emit<T>(LogEventLevel level, Exception? exception, string template, T value)
    {
        if (inner.IsEnabled(level)) inner.Write(level, exception, template, [value]);
    }

    private void Emit<T0, T1>(LogEventLevel level, Exception? exception, string template, T0 value0, T1 value1)
    {
        if (inner.IsEnabled(level)) inner.Write(level, exception, template, [value0, value1]);
    }

    private void Emit<T0, T1, T2>(LogEventLevel level, Exception? exception, string template, T0 value0, T1 value1, T2 value2)
    {
        if (inner.IsEnabled(level)) inner.Write(level, exception, template, [value0, value1, value2]);
    }

    private void EmitValues(LogEventLevel level, Exception? exception, string template, object?[]? values)
    {
        if (inner.IsEnabled(level)) inner.Write(level, exception, template, values);
    }
}
