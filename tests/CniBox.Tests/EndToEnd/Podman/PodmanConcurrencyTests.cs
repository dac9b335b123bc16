using CniBox.Tests.Support;
using CniBox.Tests.Support.EndToEnd;

namespace CniBox.Tests.EndToEnd.Podman;

/// <summary>
/// Containers started at once, as <c>podman start</c> of several or parallel systemd units do: on a node that has no
/// table yet, so the first ADDs race to create the shared nf_tables tables and host-local's store, on an isolated
/// dual-stack network (cbtpod5, 10.199.82.0/24 and fd99:0:82::/64). Every start succeeds with its own addresses and
/// port; removed at once too, they leave none of their rules (the bridge's isolation rules included), IP files or
/// cache entries.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class PodmanConcurrencyTests
{
    private const int Containers = 6;
    private PrivatePodman _podman = null!;
    private PodmanNetwork _network = null!;

    [OneTimeSetUp]
    public void CreateNetwork()
    {
        Binaries.RequirePublished();
        _podman = new PrivatePodman();
        _network = _podman.CreateNetwork("cbtpod-par", "cbtpod5", "--subnet", "10.199.82.0/24", "--subnet", "fd99:0:82::/64",
            "-o", "isolate=true");
    }

    [OneTimeTearDown]
    public void Stop() => _podman?.Dispose();

    [Test]
    public void ParallelStartsAndRemovalsAllSucceedAndLeaveNothing()
    {
        var names = Enumerable.Range(1, Containers).Select(i => $"cbtpod-par{i}").ToArray();
        var started = Parallel(names, name => _podman.RunArgs(["-d", "--name", name, "--network", _network.Name,
            "-p", $"1820{name[^1]}:80"], "httpd", "-f", "-p", "80", "-h", "/www"));
        Assert.That(started.Where(r => r.Result.ExitCode != 0).Select(r => $"{r.Name}: {r.Result.Stderr}"), Is.Empty, _podman.Node.Report());

        var attachments = names.Select(name => _podman.Inspect(name, _network)).ToArray();
        Assert.That(attachments.Select(a => a.Ipv4).Distinct().Count(), Is.EqualTo(Containers));
        Assert.That(attachments.Select(a => a.Ipv6).Distinct().Count(), Is.EqualTo(Containers));
        foreach (var name in names)
        {
            var curl = _podman.Node.Run("curl", ["-s", "-m", "5", $"http://127.0.0.1:1820{name[^1]}/"]);
            Assert.That(curl.Stdout, Is.EqualTo(BusyboxRootfs.IndexHtml), $"{name}'s port: {curl.Stderr}{_podman.Node.Report()}");
        }
        var traces = started.Select(r => r.Result.Stdout.Trim()).Concat(attachments.SelectMany(a => new[] { a.Ipv4, a.Ipv6 }))
            .Append("cbtpod5").ToArray(); // the isolation rules of the bridge, gone with its last container
        Assert.That(PodmanTraces.Mentions(PodmanTraces.Firewall(_podman.Node), traces), Has.Length.EqualTo(traces.Length));

        var removed = Parallel(names, name => ["rm", "-f", "-t", "0", name]);
        Assert.That(removed.Where(r => r.Result.ExitCode != 0).Select(r => $"{r.Name}: {r.Result.Stderr}"), Is.Empty, _podman.Node.Report());

        var state = $"{PodmanCniFiles.Describe(_network.Name)}{Environment.NewLine}{_podman.Node.Report()}";
        Assert.Multiple(() =>
        {
            Assert.That(PodmanTraces.Mentions(PodmanTraces.Firewall(_podman.Node), traces), Is.Empty, state);
            Assert.That(PodmanCniFiles.IpamFiles(_network.Name), Is.EqualTo(new[] { "last_reserved_ip.0", "last_reserved_ip.1", "lock" }), state);
            Assert.That(PodmanCniFiles.CachedResults(_network.Name), Is.Empty, state);
            Assert.That(PodmanCniFiles.PluginStateDirs(_network.Name), Is.Empty, state);
            Assert.That(_podman.Node.IpIn("-o", "link", "show", "master", "cbtpod5"), Is.Empty, state);
        });
    }

    private (string Name, ProcessResult Result)[] Parallel(string[] names, Func<string, string[]> args)
    {
        var runs = names.Select(name => Task.Run(() => (name, _podman.Run(args(name))))).ToArray();
        Task.WaitAll(runs);
        return runs.Select(t => t.Result).ToArray();
    }
}
