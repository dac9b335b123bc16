using System.Diagnostics;
using System.Text.Json;
using CniBox.Tests.Support;

namespace CniBox.Tests.Processes;

/// <summary>
/// Many host-local processes on one network at once, and processes killed with SIGKILL mid-ADD: the flock and the
/// link(2)-based reservation must keep the store exact. Only processes started here are ever killed.
/// </summary>
[NonParallelizable]
public class HostLocalConcurrencyTests
{
    private HostLocalStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        Binaries.RequirePublished();
        _store = new HostLocalStore("conc");
    }

    [TearDown]
    public void TearDown() => _store.Dispose();

    private sealed record Running(string Cid, string Command, Process Process, Task<string> Stdout);

    private static Running Start(string command, string conf, string cid)
    {
        var psi = new ProcessStartInfo(Binaries.Applet("host-local"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("CNI_") || k.StartsWith("CNIBOX_")).ToList())
            psi.Environment.Remove(key);
        foreach (var (key, value) in PluginProcess.Env(command, cid, "/var/run/netns/cbt-hostlocal-none")) psi.Environment[key] = value;
        var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.Write(conf);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Killed before it read its stdin.
        }
        return new Running(cid, command, process, stdout);
    }

    /// <summary>Waits for every process (bounded); one that hangs is killed (it is ours) and fails the test.</summary>
    private static void WaitAll(IEnumerable<Running> runs)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var run in runs)
        {
            var left = (int)Math.Max(1, 60_000 - deadline.ElapsedMilliseconds);
            if (!run.Process.WaitForExit(left))
            {
                run.Process.Kill();
                Assert.Fail($"{run.Command} {run.Cid} did not exit within 60 s");
            }
            run.Process.WaitForExit();
        }
    }

    private static string AddressOf(Running run)
    {
        Assert.That(run.Process.ExitCode, Is.EqualTo(0), $"{run.Command} {run.Cid}: {run.Stdout.Result}");
        using var doc = JsonDocument.Parse(run.Stdout.Result);
        var address = doc.RootElement.GetProperty("ips")[0].GetProperty("address").GetString()!;
        return address[..address.IndexOf('/')];
    }

    private void AssertNoTempFiles() =>
        Assert.That(_store.Snapshot().Keys.Where(k => k.StartsWith('.')), Is.Empty, "no temp file left behind");

    [Test]
    public void TwoHundredConcurrentAddsThenAMixOfAddAndDel()
    {
        var conf = _store.Conf("1.0.0", "'ranges':[[{'subnet':'10.1.0.0/16'}]]");
        var adds = Enumerable.Range(0, 200).Select(i => Start("ADD", conf, $"c{i}")).ToList();
        WaitAll(adds);
        var byCid = adds.ToDictionary(r => r.Cid, AddressOf);
        Assert.That(byCid.Values.Distinct().Count(), Is.EqualTo(200), "no duplicate IPs");
        Assert.That(_store.Allocations(), Is.EquivalentTo(byCid.ToDictionary(p => p.Value, p => p.Key + "\r\neth0")));
        AssertNoTempFiles();

        var mix = new List<Running>();
        for (var i = 0; i < 100; i++)
        {
            mix.Add(Start("DEL", conf, $"c{i}"));
            mix.Add(Start("ADD", conf, $"n{i}"));
        }
        WaitAll(mix);
        foreach (var del in mix.Where(r => r.Command == "DEL"))
            Assert.That(del.Process.ExitCode, Is.EqualTo(0), $"DEL {del.Cid}: {del.Stdout.Result}");
        var expected = byCid.Where(p => int.Parse(p.Key[1..]) >= 100).ToDictionary(p => p.Value, p => p.Key + "\r\neth0");
        foreach (var add in mix.Where(r => r.Command == "ADD"))
        {
            var ip = AddressOf(add);
            Assert.That(expected.ContainsKey(ip), Is.False, $"{ip} handed out twice");
            expected[ip] = add.Cid + "\r\neth0";
        }
        Assert.That(_store.Allocations(), Is.EquivalentTo(expected));
        AssertNoTempFiles();
    }

    [Test]
    public void MoreProcessesThanAddressesFailWithTheExhaustionErrorAndOrphanNothing()
    {
        var conf = _store.Conf("1.0.0", "'ranges':[[{'subnet':'10.1.0.0/24','rangeStart':'10.1.0.10','rangeEnd':'10.1.0.59'}]]");
        var adds = Enumerable.Range(0, 80).Select(i => Start("ADD", conf, $"c{i}")).ToList();
        WaitAll(adds);
        var ok = adds.Where(r => r.Process.ExitCode == 0).ToList();
        var failed = adds.Where(r => r.Process.ExitCode != 0).ToList();
        Assert.That(ok.Count, Is.EqualTo(50));
        foreach (var run in failed)
        {
            Assert.That(run.Process.ExitCode, Is.EqualTo(1));
            using var doc = JsonDocument.Parse(run.Stdout.Result);
            Assert.That(doc.RootElement.GetProperty("msg").GetString(),
                Is.EqualTo("failed to allocate for range 0: no IP addresses available in range set: 10.1.0.10-10.1.0.59"));
        }
        Assert.That(_store.Allocations(), Is.EquivalentTo(ok.ToDictionary(AddressOf, r => r.Cid + "\r\neth0")));
        AssertNoTempFiles();
    }

    [Test]
    public void KilledAddsLeaveAConsistentStoreThatDelAndGcClean([Values("DEL", "GC")] string cleanup)
    {
        var conf = _store.Conf("1.1.0", "'ranges':[[{'subnet':'10.1.0.0/16'}],[{'subnet':'2001:db8::/64'}]]");
        var random = new Random(cleanup == "DEL" ? 1 : 2);
        var runs = new List<Running>();
        for (var i = 0; i < 100; i++)
        {
            var run = Start("ADD", conf, $"k{i}");
            var delay = Stopwatch.StartNew();
            var micros = random.Next(0, 5000);
            while (delay.Elapsed.TotalMicroseconds < micros) Thread.SpinWait(50);
            try { run.Process.Kill(); } catch (InvalidOperationException) { /* already exited */ }
            run.Process.WaitForExit(10_000);
            runs.Add(run);
        }
        var killedMidway = runs.Count(r => r.Process.ExitCode != 0);
        var snapshot = _store.Snapshot();
        TestContext.Out.WriteLine($"{killedMidway}/100 killed before exiting; store: {_store.Allocations().Count} IP files, " +
            $"{snapshot.Keys.Count(k => k.StartsWith('.'))} temp files, {snapshot.Keys.Count(k => k.StartsWith("last_"))} last_reserved_ip files");

        var cids = runs.Select(r => r.Cid).ToHashSet();
        foreach (var (ip, owner) in _store.Allocations())
        {
            var parts = owner.Split("\r\n");
            Assert.That(parts, Has.Length.EqualTo(2), $"{ip} has a full owner line");
            Assert.That(cids, Does.Contain(parts[0]), $"{ip} belongs to a launched container");
            Assert.That(parts[1], Is.EqualTo("eth0"));
        }
        // A result reported to the runtime is never lost.
        foreach (var run in runs.Where(r => r.Process.ExitCode == 0))
        {
            using var doc = JsonDocument.Parse(run.Stdout.Result);
            foreach (var ip in doc.RootElement.GetProperty("ips").EnumerateArray())
            {
                var address = ip.GetProperty("address").GetString()!;
                Assert.That(_store.Allocations()[address[..address.IndexOf('/')]], Is.EqualTo(run.Cid + "\r\neth0"));
            }
        }
        // Each container holds at most one address per set even when killed between the two sets.
        var perCid = _store.Allocations().GroupBy(a => a.Value).Where(g => g.Count() > 2).Select(g => g.Key);
        Assert.That(perCid, Is.Empty);

        if (cleanup == "DEL")
        {
            foreach (var run in runs) CniAssert.SilentSuccess(HostLocalStore.Run(Binaries.Applet("host-local"), "DEL", conf, run.Cid));
        }
        else
        {
            CniAssert.SilentSuccess(HostLocalStore.Run(Binaries.Applet("host-local"), "GC", conf));
        }
        Assert.That(_store.Allocations(), Is.Empty, "everything the killed calls reserved is released");
        AssertNoTempFiles();
        Assert.That(_store.Snapshot().Keys, Does.Contain("lock"));
        // The network still works afterwards.
        CniAssert.Success(HostLocalStore.Run(Binaries.Applet("host-local"), "ADD", conf, "after"));
    }
}
