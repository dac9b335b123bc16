using System.Text.Json;
using CniBox.Applets;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;

namespace CniBox.Tests.Unit.Applets;

/// <summary>CNIBOX_LOG_FILE's sink: every event one whole line at the end of the file, whoever else appends.</summary>
public class AppendFileSinkTests
{
    private string _file = null!;

    [SetUp]
    public void CreateFile() => _file = Path.Combine(Directory.CreateTempSubdirectory("cnibox-log").FullName, "plugins.log");

    [TearDown]
    public void RemoveFile() => Directory.Delete(Path.GetDirectoryName(_file)!, true);

    [Test]
    public void ConcurrentWritersThroughSeparateOpensLoseAndCutNoLine()
    {
        File.WriteAllText(_file, "{\"kept\":true}\n");
        const int writers = 8, events = 300;
        var sinks = Enumerable.Range(0, writers).Select(_ => new AppendFileSink(_file, new CompactJsonFormatter())).ToList();
        Parallel.For(0, writers, w =>
        {
            for (var i = 0; i < events; i++)
                sinks[w].Emit(Event($"writer {w} event {i} " + new string('x', (w * 37 + i) % 500)));
        });
        sinks.ForEach(s => s.Dispose());

        var lines = File.ReadAllLines(_file);
        Assert.That(lines[0], Is.EqualTo("{\"kept\":true}"), "appends, never truncates");
        var messages = lines.Skip(1).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("@mt").GetString()!).ToList();
        Assert.That(messages, Has.Count.EqualTo(writers * events));
        Assert.That(messages.Select(m => string.Join(' ', m.Split(' ').Take(4))).Distinct().Count(), Is.EqualTo(writers * events));
    }

    [Test]
    public void CreatesTheDirectoryOfANewFile()
    {
        var nested = Path.Combine(Path.GetDirectoryName(_file)!, "sub", "plugins.log");
        using (var sink = new AppendFileSink(nested, new CompactJsonFormatter()))
            sink.Emit(Event("first"));
        Assert.That(File.ReadAllText(nested), Does.Contain("\"@mt\":\"first\""));
    }

    [Test]
    public void AFileThatCannotBeOpenedDisablesOnlyTheSink()
    {
        Directory.CreateDirectory(_file);
        using var sink = new AppendFileSink(_file, new CompactJsonFormatter());
        Assert.DoesNotThrow(() => sink.Emit(Event("dropped")));
    }

    private static LogEvent Event(string text) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Debug, null, new MessageTemplateParser().Parse(text), []);
}
