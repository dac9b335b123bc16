using System.Text;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit.Spec.Skeleton;

/// <summary>stdin is read whole however the pipe delivers it: the buffer starts at one page and grows.</summary>
public class StdinReadTests
{
    private sealed class StdinRecorder : CniPlugin<byte[]>
    {
        public byte[] Seen { get; private set; } = [];
        protected override byte[] Parse(PluginCall call) => Seen = call.StdinData;
        protected override CniResult Add(PluginCall call, byte[] config) => new();
        protected override void Del(PluginCall call, byte[] config) { }
        protected override void Check(PluginCall call, byte[] config) { }
    }

    /// <summary>A pipe that hands out at most a few hundred bytes per read.</summary>
    private sealed class TricklingStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 333));
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 333)]);
    }

    [TestCase(0)]
    [TestCase(4095)]
    [TestCase(4096)]
    [TestCase(4097)]
    [TestCase(70_000)]
    public void ConfigArrivesWhole(int padding)
    {
        var config = Encoding.UTF8.GetBytes($"{{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"pad\":\"{new string('x', padding)}\"}}");
        var plugin = new StdinRecorder();
        var ctx = Context(new TricklingStream(config));
        Assert.That(plugin.Run(ctx), Is.EqualTo(0), Encoding.UTF8.GetString(((MemoryStream)ctx.Stdout).ToArray()));
        Assert.That(plugin.Seen, Is.EqualTo(config));
    }

    private static AppletContext Context(Stream stdin)
    {
        var env = InMemorySkel.Env("DEL");
        return new AppletContext
        {
            Name = "fake", Args = [], Getenv = k => env.GetValueOrDefault(k), Stdin = stdin, Stdout = new MemoryStream(),
            Stderr = TextWriter.Null, Log = Serilog.Core.Logger.None, IsOwnNetns = _ => false,
        };
    }
}
