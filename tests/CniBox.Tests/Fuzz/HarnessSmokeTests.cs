using CniBox.Fuzz;

namespace CniBox.Tests.Fuzz;

/// <summary>
/// CI's short run of every fuzz harness (fuzz/run.sh runs 10^6): its checked-in seed corpus, then a fixed-seed
/// batch of mutations, through the same entry point the engines use. A finding fails with the exception and the
/// input in hex, which becomes a unit test and a fix.
/// </summary>
[TestFixture]
public sealed class HarnessSmokeTests
{
    private const int Mutations = 3000;

    private static string CorpusDir(string harness) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "fuzz-corpus", harness);

    private static IEnumerable<TestCaseData> AllHarnesses() =>
        Harnesses.All.Select(h => new TestCaseData(h.Name).SetArgDisplayNames(h.Name));

    [TestCaseSource(nameof(AllHarnesses))]
    public void SeedCorpusAndMutationsRaiseNothingUnexpected(string name)
    {
        Harness harness = Harnesses.Find(name)!;
        var corpus = MutationRun.LoadCorpus(CorpusDir(name));
        Assert.That(corpus, Is.Not.Empty, $"fuzz/corpus/{name} has no seeds");
        var run = new MutationRun(harness, corpus, seed: 19);
        run.Run(Mutations);
        Assert.That(run.Execs, Is.EqualTo(corpus.Count + Mutations));
        Assert.That(run.Findings.Select(f => $"{f.Signature}: {f.Message} on {Convert.ToHexString(f.Input)}"), Is.Empty);
    }

    [Test]
    public void APlantedCrashIsFound()
    {
        var planted = new Harness("planted", Binary: false, input =>
        {
            if (input.IndexOf("null"u8) >= 0) throw new IndexOutOfRangeException("planted");
        });
        var run = new MutationRun(planted, ["{\"a\":1}"u8.ToArray()], seed: 19);
        run.Run(Mutations);
        Assert.That(run.Findings.Select(f => f.Signature), Has.One.StartsWith("IndexOutOfRangeException"));
    }

    [Test]
    public void EveryHarnessNameIsUnique() =>
        Assert.That(Harnesses.All.Select(h => h.Name), Is.Unique);
}
