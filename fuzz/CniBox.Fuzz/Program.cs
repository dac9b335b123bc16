using System.Diagnostics;
using CniBox.Fuzz;
using SharpFuzz;

// cnibox-fuzz list | mutate HARNESS EXECS CORPUS_DIR FINDINGS_DIR [SEED] | afl HARNESS | libfuzzer HARNESS | instrument DLL
const string Usage = "usage: cnibox-fuzz list | mutate HARNESS EXECS CORPUS_DIR FINDINGS_DIR [SEED] | afl HARNESS | libfuzzer HARNESS | instrument DLL";
if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}
if (args[0] == "list")
{
    foreach (var h in Harnesses.All) Console.WriteLine(h.Name);
    return 0;
}
if (args[0] == "instrument" && args.Length == 2)
{
    var types = Fuzzer.Instrument(args[1], name => name.StartsWith("CniBox.", StringComparison.Ordinal), Options.Value);
    Console.WriteLine($"instrumented {types.Count()} types in {args[1]}");
    return 0;
}
if (args.Length < 2 || Harnesses.Find(args[1]) is not { } harness)
{
    Console.Error.WriteLine(args.Length < 2 ? Usage : $"unknown harness {args[1]}; `cnibox-fuzz list` names them");
    return 2;
}
switch (args[0])
{
    case "afl":
        Fuzzer.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            harness.Body(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
        return 0;
    case "libfuzzer":
        Fuzzer.LibFuzzer.Run(span => harness.Body(span));
        return 0;
    case "mutate" when args.Length >= 5:
        var corpus = MutationRun.LoadCorpus(args[3]);
        var run = new MutationRun(harness, corpus, args.Length > 5 ? int.Parse(args[5]) : Environment.ProcessId);
        var clock = Stopwatch.StartNew();
        run.Run(long.Parse(args[2]), hangDir: Path.Combine(args[4], harness.Name));
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{harness.Name}: {run.Execs} execs ({corpus.Count} seeds) in {seconds:F1} s, {run.Execs / seconds:F0}/s, " +
            $"slowest {run.Slowest.TotalMilliseconds:F1} ms, {run.Findings.Count} findings");
        foreach (var f in run.Findings)
            Console.WriteLine($"  {f.Signature}: {f.Message} -> {MutationRun.Save(Path.Combine(args[4], harness.Name), "crash", f.Input)}");
        return run.Findings.Count == 0 ? 0 : 1;
    default:
        Console.Error.WriteLine(Usage);
        return 2;
}
