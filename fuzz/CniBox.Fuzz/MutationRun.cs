using System.Diagnostics;
using System.Security.Cryptography;

namespace CniBox.Fuzz;

/// <summary>One finding: the exception's type and top frame (its identity), the first input that raised it.</summary>
public sealed record Finding(string Signature, string Message, byte[] Input);

/// <summary>
/// The in-process engine: the seed corpus first, then <c>execs</c> mutations of it, each through the harness body.
/// A finding is deduplicated by exception type and throwing frame. A watchdog ends the process when one input runs
/// longer than <see cref="HangAfter"/>, after saving it: a hang is a finding too.
/// </summary>
public sealed class MutationRun(Harness harness, IReadOnlyList<byte[]> corpus, int seed)
{
    public static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, Finding> _findings = [];

    public IReadOnlyCollection<Finding> Findings => _findings.Values;

    public long Execs { get; private set; }

    public TimeSpan Slowest { get; private set; }

    public void Run(long mutations, string? hangDir = null)
    {
        var mutator = new Mutator(new Random(seed), harness.Binary);
        byte[] current = [];
        long started = 0;
        using var watchdog = hangDir is null ? null : new Timer(_ =>
        {
            long since = Volatile.Read(ref started);
            if (since == 0 || Stopwatch.GetElapsedTime(since) < HangAfter) return;
            string path = Save(hangDir, "hang", current);
            Console.Error.WriteLine($"{harness.Name}: hang over {HangAfter.TotalSeconds} s, input saved to {path}");
            Environment.Exit(3);
        }, null, 1000, 1000);
        var rng = new Random(seed ^ 0x5eed);
        for (long i = 0; i < corpus.Count + mutations; i++)
        {
            current = i < corpus.Count ? corpus[(int)i] : mutator.Mutate(corpus.Count == 0 ? [] : corpus[rng.Next(corpus.Count)], corpus);
            long t0 = Stopwatch.GetTimestamp();
            Volatile.Write(ref started, t0);
            try
            {
                harness.Body(current);
            }
            catch (Exception e)
            {
                string signature = $"{e.GetType().Name} at {TopFrame(e)}";
                _findings.TryAdd(signature, new Finding(signature, e.Message, current));
            }
            Volatile.Write(ref started, 0);
            TimeSpan took = Stopwatch.GetElapsedTime(t0);
            if (took > Slowest) Slowest = took;
            Execs++;
        }
    }

    public static string Save(string dir, string kind, byte[] input)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"{kind}-{Convert.ToHexStringLower(SHA1.HashData(input))[..16]}");
        File.WriteAllBytes(path, input);
        return path;
    }

    public static IReadOnlyList<byte[]> LoadCorpus(string dir) =>
        Directory.Exists(dir) ? [.. Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)] : [];

    private static string TopFrame(Exception e)
    {
        string[] frames = (e.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string first = (frames.FirstOrDefault(f => f.Contains(" CniBox.", StringComparison.Ordinal) && !f.Contains(" CniBox.Fuzz.", StringComparison.Ordinal))
            ?? frames.FirstOrDefault() ?? "?").Trim();
        int inAt = first.IndexOf(" in ", StringComparison.Ordinal);
        return inAt < 0 ? first : first[..inAt];
    }
}
