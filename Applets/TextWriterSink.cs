using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace CniBox.Applets;

/// <summary>Plain-text log lines to a writer (stderr); stack traces only when the level is Debug or lower.</summary>
public sealed class TextWriterSink(TextWriter writer, bool withStackTraces) : ILogEventSink
{
    private readonly MessageTemplateTextFormatter _formatter = new(
        "{Timestamp:HH:mm:ss.fff} {Level:u3} {Applet}: {Message:lj}{NewLine}" + (withStackTraces ? "{Exception}" : ""));

    public void Emit(LogEvent logEvent)
    {
        lock (writer)
        {
            _formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
