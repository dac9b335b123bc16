using CniBox.Spec.Skeleton;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace CniBox.Tests.Unit.Spec.Skeleton;

/// <summary>PluginLog must log exactly what Serilog's own overloads log, and nothing below the level.</summary>
public class PluginLogTests
{
    private sealed class Collector : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];
        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }

    private static (Logger Logger, Collector Sink) Serilog(LogEventLevel minimum)
    {
        var sink = new Collector();
        return (new LoggerConfiguration().MinimumLevel.Is(minimum).WriteTo.Sink(sink).CreateLogger(), sink);
    }

    [Test]
    public void EventsBelowTheLevelAreDropped()
    {
        var (logger, sink) = Serilog(LogEventLevel.Information);
        var log = new PluginLog(logger);
        log.Debug("one {A}", 1);
        log.Debug("two {A} {B}", 1, "b");
        log.Verbose(new InvalidOperationException("x"), "three {A} {B} {C}", 1, 2, 3);
        log.Debug("four {A} {B} {C} {D}", 1, 2, 3, 4);
        Assert.That(sink.Events, Is.Empty);
    }

    [Test]
    public void EachOverloadLogsWhatSerilogsOwnLogs()
    {
        var (direct, expected) = Serilog(LogEventLevel.Verbose);
        var (wrapped, actual) = Serilog(LogEventLevel.Verbose);
        var error = new InvalidOperationException("boom");
        ILogger plain = direct;
        var log = new PluginLog(wrapped);

        plain.Warning("none"); log.Warning("none");
        plain.Debug("one {A}", 7); log.Debug("one {A}", 7);
        plain.Information("two {A} {B}", "x", 2); log.Information("two {A} {B}", "x", 2);
        plain.Error(error, "three {A} {B} {C}", 1, "y", 3.5); log.Error(error, "three {A} {B} {C}", 1, "y", 3.5);
        plain.Fatal("four {A} {B} {C} {D}", 1, 2, 3, 4); log.Fatal("four {A} {B} {C} {D}", 1, 2, 3, 4);
        plain.Verbose(error, "exception only"); log.Verbose(error, "exception only");

        Assert.That(actual.Events.Select(Describe), Is.EqualTo(expected.Events.Select(Describe)));
        Assert.That(actual.Events, Has.Count.EqualTo(6));
    }

    [Test]
    public void AnArrayGivenAsTheOneValueStaysOneProperty()
    {
        var (wrapped, sink) = Serilog(LogEventLevel.Debug);
        new PluginLog(wrapped).Debug("ids {Ids}", new[] { "a", "b" });
        var ids = sink.Events.Single().Properties["Ids"];
        Assert.That(ids, Is.InstanceOf<SequenceValue>());
        Assert.That(((SequenceValue)ids).Elements, Has.Count.EqualTo(2));
    }

    private static string Describe(LogEvent e) =>
        $"{e.Level} {e.RenderMessage()} {e.Exception?.Message} {string.Join(",", e.Properties.Keys.Order())}";
}
