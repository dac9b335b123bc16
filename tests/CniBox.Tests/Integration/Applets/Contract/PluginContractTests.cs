using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Contract;

/// <summary>
/// The contract every plugin applet keeps with a runtime, run against each line of <see cref="ContractCases"/>:
/// the published binary exec'd through its applet symlink with env + stdin, inside a throwaway node netns that
/// plays the host, the container in its own netns. "Nothing left" means <see cref="ContractState"/> equals the
/// state before ADD, except what the case declares Go leaves too.
/// </summary>
[Category("root"), NonParallelizable]
public sealed class PluginContractTests
{
    private static readonly string[] RequiredForAdd = ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_PATH"];
    private static readonly string[] RequiredForDel = ["CNI_CONTAINERID", "CNI_IFNAME", "CNI_PATH"];

    private NetHarness _net = null!;
    private TestNetns _container = null!;
    private string _cid = null!;

    [SetUp]
    public void Create()
    {
        _net = new NetHarness("ct");
        _container = _net.Container("ctc");
        _cid = "cbt-ct-" + Guid.NewGuid().ToString("N")[..8];
    }

    [TearDown]
    public void Destroy() => _net.Dispose();

    [OneTimeTearDown]
    public void RemoveSharedDataDirs()
    {
        if (Directory.Exists(ContractCases.TuningDataDir)) Directory.Delete(ContractCases.TuningDataDir, true);
        if (Directory.Exists(ContractCases.FlannelDir)) Directory.Delete(ContractCases.FlannelDir, true);
        Support.Dhcp.DhcpContractServer.StopIfStarted();
    }

    public static IEnumerable<TestCaseData> For(ContractItem item) =>
        ContractCases.All.Where(c => c.Applies(item)).Select(c => new TestCaseData(c).SetArgDisplayNames(c.Applet));

    public static IEnumerable<TestCaseData> EachVersion() =>
        from c in ContractCases.All
        where c.Applies(ContractItem.EveryVersion)
        from v in c.Versions
        select new TestCaseData(c, v).SetArgDisplayNames(c.Applet, v);

    [TestCaseSource(nameof(For), new object[] { ContractItem.AddCheckDelDelAgain })]
    public void AddCheckDelDelAgain(ContractCase c)
    {
        var conf = Conf(c, ContractCase.Current);
        var before = State();
        var result = CniAssert.Success(Run(c, "ADD", conf));
        AssertResult(c, result, ContractCase.Current);
        if (c.AddChangesState) Assert.That(State(), Is.Not.EqualTo(before), "ADD changed nothing the snapshot can see");
        else ContractState.AssertSame(before, State(), [], "after ADD");

        CniAssert.SilentSuccess(Run(c, "CHECK", CniJson.WithPrevResult(conf, result.GetRawText())));
        CniAssert.SilentSuccess(Run(c, "DEL", conf));
        var deleted = State();
        ContractState.AssertSame(before, deleted, c.Leaves, "after DEL");
        CniAssert.SilentSuccess(Run(c, "DEL", conf));
        ContractState.AssertSame(deleted, State(), [], "after DEL again");
    }

    [TestCaseSource(nameof(For), new object[] { ContractItem.DelWithEmptyNetns })]
    public void DelWithEmptyNetnsReleasesTheIpam(ContractCase c)
    {
        var conf = Conf(c, ContractCase.Current);
        var before = State();
        CniAssert.Success(Run(c, "ADD", conf));
        CniAssert.SilentSuccess(Run(c, "DEL", conf, netns: ""));
        Assert.That(Stored(State()), Is.EqualTo(Stored(before)), "IPAM files and cache released without a netns");

        // The runtime's retry with the netns still removes the rest.
        CniAssert.SilentSuccess(Run(c, "DEL", conf));
        ContractState.AssertSame(before, State(), c.Leaves, "after DEL with the netns");
    }

    [TestCaseSource(nameof(For), new object[] { ContractItem.DelAfterTheNetnsIsGone })]
    public void DelAfterTheNetnsIsGoneLeavesNothing(ContractCase c)
    {
        // A chained applet's leftovers sit on the previous plugin's objects, which the chain's DEL takes with it.
        var leaves = (c.After?.Leaves ?? c.Leaves).Where(p => !p.ToString().StartsWith("^container: ")).ToList();
        var before = State(withContainer: false);
        var conf = Conf(c, ContractCase.Current);
        CniAssert.Success(Run(c, "ADD", conf));
        var gone = _container.Path;
        _container.Dispose();

        CniAssert.SilentSuccess(Run(c, "DEL", conf, gone));
        if (c.After is { } previous)
            CniAssert.SilentSuccess(_net.Run(Binaries.Applet(previous.Applet), "DEL", previous.Conf(_net, ContractCase.Current), gone, _cid));
        // The kernel removes a veth whose peer's netns died in its own time, after ip netns del returned.
        var watch = Stopwatch.StartNew();
        var after = State(withContainer: false);
        while (!ContractState.Same(before, after, leaves) && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(200);
            after = State(withContainer: false);
        }
        ContractState.AssertSame(before, after, leaves, "after DEL of a vanished netns");
        CniAssert.SilentSuccess(Run(c, "DEL", conf, gone));
        ContractState.AssertSame(after, State(withContainer: false), [], "after DEL again");
    }

    [TestCaseSource(nameof(For), new object[] { ContractItem.Version })]
    public void VersionListsEverySupportedVersion(ContractCase c)
    {
        var result = PluginProcess.Run(Binaries.Applet(c.Applet), new() { ["CNI_COMMAND"] = "VERSION" }, c.Conf(_net, ContractCase.Current));
        var json = CniAssert.Success(result);
        Assert.That(result.Stderr, Is.Empty);
        Assert.That(json.GetProperty("cniVersion").GetString(), Is.EqualTo(ContractCase.Current));
        Assert.That(json.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()), Is.EqualTo(c.Versions));
    }

    [TestCaseSource(nameof(For), new object[] { ContractItem.MalformedJson })]
    public void MalformedJsonIsCode6AndCreatesNothing(ContractCase c)
    {
        var conf = c.Conf(_net, ContractCase.Current);
        var before = State();
        foreach (var bad in new[] { "{not json", conf[..(conf.Length / 2)], "" })
            foreach (var verb in new[] { "ADD", "DEL" })
                Assert.That(CniAssert.Error(Run(c, verb, bad), 6), Is.Not.Empty, $"{verb} <<{bad}>>");
        ContractState.AssertSame(before, State(), [], "after malformed calls");
    }

    [TestCaseSource(nameof(For), new object[] { ContractItem.MissingEnv })]
    public void MissingEnvIsCode4WithGosMessage(ContractCase c)
    {
        var conf = c.Conf(_net, ContractCase.Current);
        var before = State();
        foreach (var name in RequiredForAdd)
        {
            var env = PluginProcess.Env("ADD", _cid, _container.Path, "eth0", $"{Binaries.AppletDir}:{Binaries.GoPluginDir}");
            env.Remove(name);
            Assert.That(CniAssert.Error(RunWith(c, env, conf), 4), Is.EqualTo($"required env variables [{name}] missing"));
        }
        // With nothing but the verb, every variable the verb needs is named at once; DEL does not need a netns.
        foreach (var (verb, names) in new[] { ("ADD", RequiredForAdd), ("CHECK", RequiredForAdd), ("DEL", RequiredForDel) })
        {
            var bare = new Dictionary<string, string> { ["CNI_COMMAND"] = verb };
            Assert.That(CniAssert.Error(RunWith(c, bare, conf), 4), Is.EqualTo($"required env variables [{string.Join(",", names)}] missing"), verb);
        }
        ContractState.AssertSame(before, State(), [], "after calls without their env");
    }

    [TestCaseSource(nameof(EachVersion))]
    public void EveryVersion(ContractCase c, string version)
    {
        var conf = Conf(c, version);
        var before = State();
        var result = CniAssert.Success(Run(c, "ADD", conf));
        AssertResult(c, result, version);
        var check = Run(c, "CHECK", CniJson.WithPrevResult(conf, result.GetRawText()));
        if (CniVersion.AtLeast(version, "0.4.0")) CniAssert.SilentSuccess(check);
        else Assert.That(CniAssert.Error(check, 1), Is.EqualTo("config version does not allow CHECK"));
        CniAssert.SilentSuccess(Run(c, "DEL", conf));
        ContractState.AssertSame(before, State(), c.Leaves, $"after DEL at {version}");
    }

    [TestCaseSource(nameof(For), new object[] { ContractItem.RollbackWhenTheLastStepOfAddFails })]
    public void RollbackWhenTheLastStepOfAddFails(ContractCase c)
    {
        var rollback = c.Rollback!;
        var conf = Conf(c, ContractCase.Current, rollback.Conf);
        rollback.Break(_net, conf);
        var before = State();
        Assert.That(CniAssert.Error(Run(c, "ADD", conf), rollback.Code), Does.StartWith(rollback.MessageStart));
        ContractState.AssertSame(before, State(), c.Leaves, "after the failed ADD");
        // A runtime sends DEL after a failed ADD; it finds nothing and succeeds.
        CniAssert.SilentSuccess(Run(c, "DEL", conf));
        ContractState.AssertSame(before, State(), c.Leaves, "after DEL of the failed ADD");
    }

    /// <summary>The result is in <paramref name="version"/>'s shape (keys and family) and holds the case's addresses.</summary>
    private static void AssertResult(ContractCase c, JsonElement result, string version)
    {
        Assert.That(result.GetProperty("cniVersion").GetString(), Is.EqualTo(version));
        string[] keys = CniVersion.AtLeast(version, "0.3.0")
            ? ["cniVersion", "interfaces", "ips", "routes", "dns"]
            : ["cniVersion", "ip4", "ip6", "dns"];
        Assert.That(result.EnumerateObject().Select(p => p.Name), Is.SubsetOf(keys), result.GetRawText());
        var parsed = CniResult.Parse(Encoding.UTF8.GetBytes(result.GetRawText()));
        Assert.That(parsed.CniVersion, Is.EqualTo(version));
        Assert.That(parsed.Ips.Select(ip => ip.Address), Is.EquivalentTo(c.Addresses), result.GetRawText());
    }

    /// <summary>
    /// The case's config as a runtime sends it: first what a chained plugin needs from the plugin before it
    /// (<see cref="ContractCase.Prepare"/>), then, for <see cref="ContractCase.After"/>, that plugin's ADD and result.
    /// </summary>
    private string Conf(ContractCase c, string version, ContractCase.ConfFor? conf = null)
    {
        c.Prepare?.Invoke(_container);
        return Chained(c, (conf ?? c.Conf)(_net, version), version);
    }

    /// <summary>
    /// <paramref name="conf"/> as a runtime sends it to <paramref name="c"/>: for a chained applet, the plugin before it
    /// is ADDed first (same container, same version) and its result becomes the prevResult.
    /// </summary>
    private string Chained(ContractCase c, string conf, string version)
    {
        if (c.After is not { } previous) return conf;
        var result = CniAssert.Success(_net.Run(Binaries.Applet(previous.Applet), "ADD", previous.Conf(_net, version), _container.Path, _cid));
        // The kernel finishes the new host veth in its own time (carrier, then its IPv6 link-local address, DAD of
        // every address and their local routes): the chained applet starts from the settled state, the link-local
        // route there, no address tentative and two snapshots alike.
        var watch = Stopwatch.StartNew();
        for (var state = State(); watch.Elapsed < TimeSpan.FromSeconds(5);)
        {
            Thread.Sleep(200);
            var next = State();
            if (next.SequenceEqual(state) && next.Any(l => l.StartsWith("node: route -6 dev=VETH dst=LINKLOCAL ")) &&
                _net.Host.IpIn("-6", "addr", "show", "tentative").Length == 0) break;
            state = next;
        }
        return CniJson.WithPrevResult(conf, result.GetRawText());
    }

    private List<string> State(bool withContainer = true) => ContractState.Take(_net, withContainer ? _container : null, _cid);

    /// <summary>The IPAM and cache lines: what DEL must release whether or not it reaches the netns.</summary>
    private static List<string> Stored(List<string> state) => [.. state.Where(l => l.StartsWith("ipam: ") || l.StartsWith("cache: "))];

    /// <summary>An ADD refused because this kernel lacks the applet's link kind ignores the item (and says so).</summary>
    private ProcessResult Run(ContractCase c, string verb, string conf, string? netns = null)
    {
        var result = _net.Run(Binaries.Applet(c.Applet), verb, conf, netns ?? _container.Path, _cid);
        return verb == "ADD" ? KernelLinkKinds.IgnoreIfMissing(result) : result;
    }

    /// <summary>The applet in the node netns with exactly <paramref name="env"/>.</summary>
    private ProcessResult RunWith(ContractCase c, Dictionary<string, string> env, string conf) =>
        PluginProcess.Run("ip", env, conf, ["netns", "exec", _net.Host.Name, Binaries.Applet(c.Applet)]);
}
