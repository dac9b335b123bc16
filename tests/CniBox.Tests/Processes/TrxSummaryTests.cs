using CniBox.Tests.Support;

namespace CniBox.Tests.Processes;

/// <summary>tests/trx-summary.pl, which prints tests/run.sh's closing line last, the failed and skipped tests above it.</summary>
[Category("process")]
public class TrxSummaryTests
{
    private static string Result(string id, string name, string outcome, string message = "") =>
        $"<UnitTestResult executionId=\"e{id}\" testId=\"{id}\" testName=\"{name}\" outcome=\"{outcome}\"" +
        (message.Length == 0 ? " />" : $"><Output><ErrorInfo><Message>{message}</Message></ErrorInfo></Output></UnitTestResult>");

    private static string Definition(string id, string className) =>
        $"<UnitTest name=\"x\" id=\"{id}\"><Execution id=\"e{id}\" /><TestMethod className=\"{className}\" name=\"x\" /></UnitTest>";

    private static ProcessResult Summarize(string results, string definitions)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<TestRun><Results>\n" + results +
                "\n</Results><TestDefinitions>" + definitions + "</TestDefinitions>" +
                "<ResultSummary><Counters total=\"9\" executed=\"4\" passed=\"3\" failed=\"1\" /></ResultSummary></TestRun>\n");
            return PluginProcess.Run("/usr/bin/perl", [], args: [Path.Combine(Binaries.RepoRoot, "tests", "trx-summary.pl"), file]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void CountsEachResultOnceAndListsFailedAndSkippedTestsAboveTheCount()
    {
        var results = string.Join("\n",
            Result("1", "A", "Passed"), Result("2", "B(&quot;1.1.0&quot;)", "Passed"), Result("3", "C", "Passed"),
            Result("4", "D", "Failed", "boom"),
            Result("5", "Vlans", "NotExecuted", "kernel without\n  CONFIG_BRIDGE_VLAN_FILTERING"),
            Result("6", "Masq", "Inconclusive", "Debian&apos;s bridge &amp; nft"),
            Result("7", "NoReason", "NotExecuted"));
        var definitions = Definition("5", "CniBox.Tests.Integration.Netlink.LinkOpsTests") + Definition("6", "CniBox.Tests.GoBridgeInteropTests");
        var result = Summarize(results, definitions);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        Assert.That(result.Stdout.Split('\n'), Is.EqualTo(new[]
        {
            "  FAILED D: boom",
            "  skipped GoBridgeInteropTests.Masq [Inconclusive]: Debian's bridge & nft",
            "  skipped LinkOpsTests.Vlans: kernel without CONFIG_BRIDGE_VLAN_FILTERING",
            "  skipped NoReason: no reason given",
            "tests: 3 passed, 1 failed, 3 skipped",
            "",
        }));
    }

    [Test]
    public void ALongFailureMessageIsCut()
    {
        var result = Summarize(Result("1", "Long", "Failed", new string('x', 2000)), "");
        Assert.That(result.Stdout, Is.EqualTo($"  FAILED Long: {new string('x', 600)}\ntests: 0 passed, 1 failed\n"));
    }

    [Test]
    public void NoSkippedTestMeansNoSkippedCount()
    {
        var result = Summarize(Result("1", "A", "Passed"), "");
        Assert.That(result.Stdout, Is.EqualTo("tests: 1 passed, 0 failed\n"));
    }

    [Test]
    public void AFileWithoutResultsIsAnError() =>
        Assert.That(Summarize("", "").ExitCode, Is.EqualTo(2));
}
