using CniBox.Tests.Integration.Applets.Bandwidth;
using CniBox.Tests.Support;

namespace CniBox.Tests.Differential;

/// <summary>
/// The same bandwidth configs through Debian's Go bandwidth (/usr/lib/cni, plugins 1.1.1) and ours, each chained
/// after our ptp in its own node netns with the same network name and container ID (so the same ifb name): the
/// same ADD result (veth names, MACs and the sandbox masked), the same qdiscs and filters (<see cref="TcState"/>,
/// <c>tc -d</c>, linklayer included) and links, the same CHECK and DEL, and the same state after DEL. Errors compare
/// by code and message, Go's 999 read as the house's 6 (decoding) and 7 (refused value).
/// </summary>
[Category("root")]
[Category("differential")]
[NonParallelizable]
public sealed class BandwidthDifferentialTests
{
    private static readonly (string Name, string Keys)[] Configs =
    [
        ("BothWays", "\"ingressRate\":8000000,\"ingressBurst\":80000,\"egressRate\":16000000,\"egressBurst\":160000"),
        ("IngressOnly", "\"ingressRate\":1000000,\"ingressBurst\":12000"),
        ("EgressOnly", "\"egressRate\":123456789,\"egressBurst\":3000000"),
        ("CriRuntimeConfig", "\"runtimeConfig\":{\"bandwidth\":{\"IngressRate\":10000000,\"IngressBurst\":4294967295,\"EgressRate\":10000000,\"EgressBurst\":4294967295}}"),
        ("TopLevelWinsOverRuntime", "\"egressRate\":null,\"runtimeConfig\":{\"bandwidth\":{\"ingressRate\":1000000,\"ingressBurst\":12000}}"),
        ("ZeroIsPassThrough", "\"runtimeConfig\":{\"bandwidth\":{}}"),
        ("Over34GbitUsesRate64", "\"ingressRate\":40000000000,\"ingressBurst\":8000000,\"egressRate\":40000000000,\"egressBurst\":8000000"),
        ("RateWithoutBurst", "\"ingressRate\":1000000"),
        ("BurstOf4GiB", "\"egressRate\":1000000,\"egressBurst\":34359738360"),
        ("NegativeBurst", "\"egressRate\":1000000,\"egressBurst\":-1"),
    ];

    public static IEnumerable<TestCaseData> Cases() =>
        Configs.Select(c => new TestCaseData(c.Keys).SetName($"SameResultAndTrafficControl({c.Name})"));

    private sealed record Observation(string Add, string Links, string Tc, string Check, string Del, string LinksAfterDel, string TcAfterDel);

    private static Observation Observe(BandwidthChain chain, string plugin, bool isGo)
    {
        var add = chain.Run("ADD", chain.Conf(), plugin: plugin);
        var links = NetnsSnapshot.Describe(chain.Net.Host, ignoreTentative: true);
        var tc = TcState.Describe(chain.Net.Host);
        var check = add.ExitCode == 0
            ? Masked(chain, chain.Run("CHECK", CniJson.WithPrevResult(chain.Conf(prev: false), add.Stdout), plugin: plugin), isGo)
            : "not run";
        var del = Masked(chain, chain.Run("DEL", chain.Conf(), plugin: plugin), isGo);
        return new Observation(Masked(chain, add, isGo), links, tc, check, del,
            NetnsSnapshot.Describe(chain.Net.Host, ignoreTentative: true), TcState.Describe(chain.Net.Host));
    }

    /// <summary>Go's refusals of a rate or burst are 999 where ours are 7 (README, codes).</summary>
    private static readonly string[] Refusals =
        ["if rate is set, burst must also be set", "if burst is set, rate must also be set", "burst cannot be more than 4GB"];

    /// <summary>A result as comparable text; an error as its code (Go's mapped to the house's) and message.</summary>
    private static string Masked(BandwidthChain chain, ProcessResult result, bool isGo = false)
    {
        if (result.ExitCode != 0 && result.Stdout.Trim().StartsWith('{'))
        {
            var error = System.Text.Json.JsonDocument.Parse(result.Stdout).RootElement;
            var (code, msg) = (error.GetProperty("code").GetInt32(), error.GetProperty("msg").GetString()!);
            if (isGo) code = Refusals.Contains(msg) ? 7 : KnownDifferences.ExpectedCode(code, msg);
            return $"exit {result.ExitCode} code {code}: {msg}";
        }
        if (result.ExitCode != 0 || result.Stdout.Trim() == "") return $"exit {result.ExitCode} {result.Stdout.Trim()}".TrimEnd();
        var text = NetnsSnapshot.MaskNames(result.Stdout.Replace(chain.Container.Path, "NETNS"));
        return CniJson.Canonical(NetnsSnapshot.MaskMacs(text, []));
    }

    [TestCaseSource(nameof(Cases))]
    public void SameResultAndTrafficControl(string keys)
    {
        Binaries.RequireGoPlugin("bandwidth");
        Binaries.RequirePublished();
        Observation go, ours;
        using (var chain = new BandwidthChain("bwdg", "10.199.223.0/24", bandwidth: keys)) go = Observe(chain, Binaries.GoPlugin("bandwidth"), isGo: true);
        using (var chain = new BandwidthChain("bwdo", "10.199.223.0/24", bandwidth: keys)) ours = Observe(chain, Binaries.Applet("bandwidth"), isGo: false);
        Assert.Multiple(() =>
        {
            Assert.That(ours.Add, Is.EqualTo(go.Add), "ADD result");
            Assert.That(ours.Links, Is.EqualTo(go.Links), "node links, addresses, routes after ADD");
            Assert.That(ours.Tc, Is.EqualTo(go.Tc), "qdiscs and filters after ADD");
            Assert.That(ours.Check, Is.EqualTo(go.Check), "CHECK with the ADD result");
            Assert.That(ours.Del, Is.EqualTo(go.Del), "DEL");
            Assert.That(ours.LinksAfterDel, Is.EqualTo(go.LinksAfterDel), "node after DEL");
            Assert.That(ours.TcAfterDel, Is.EqualTo(go.TcAfterDel), "qdiscs and filters after DEL");
        });
        if (!ours.Add.StartsWith("exit") && !keys.Contains("{}") && !keys.Contains("null"))
            Assert.That(ours.Tc, Does.Contain("kind=\"tbf\""), "the comparison saw a TBF");
    }
}
