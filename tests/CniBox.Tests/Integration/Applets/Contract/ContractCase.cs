using System.Text.RegularExpressions;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Contract;

/// <summary>What every plugin applet promises a runtime; each item is one test of <see cref="PluginContractTests"/>.</summary>
public enum ContractItem
{
    AddCheckDelDelAgain,
    DelWithEmptyNetns,
    DelAfterTheNetnsIsGone,
    Version,
    MalformedJson,
    MissingEnv,
    EveryVersion,
    RollbackWhenTheLastStepOfAddFails,
}

/// <summary>
/// How ADD's last step is made to fail: <see cref="Break"/> prepares the node (given the config, with its prevResult
/// for a chained applet) before the
/// "before" snapshot, then ADD with <see cref="Conf"/> must fail with <see cref="Code"/> and a message starting with <see cref="MessageStart"/>.
/// </summary>
public sealed record RollbackCase(ContractCase.ConfFor Conf, Action<NetHarness, string> Break, int Code, string MessageStart);

/// <summary>
/// The plugin a chained applet (bandwidth, portmap ...) runs after: its ADD, with the same container, gives the
/// prevResult, and the state after it is where the chained applet's contract starts. Where the container's netns
/// vanishes, its DEL runs after the chained one's, as a runtime deletes the whole chain; <see cref="Leaves"/> is what
/// it leaves then.
/// </summary>
public sealed record ChainStep(string Applet, ContractCase.ConfFor Conf, Regex[] Leaves);

/// <summary>
/// One applet under the contract: its config at a version, the addresses ADD returns, and what a DEL leaves behind
/// on purpose (<see cref="Leaves"/>). Items in <see cref="NotApplicable"/> are not generated; the value says why.
/// </summary>
public sealed record ContractCase(string Applet, ContractCase.ConfFor Conf, string[] Addresses)
{
    /// <summary>The applet's config at <c>cniVersion</c> <paramref name="version"/>, IPAM files under the harness' dataDir.</summary>
    public delegate string ConfFor(NetHarness net, string version);

    public static readonly string[] AllVersions = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    /// <summary>The version of the single-version items: the newest.</summary>
    public const string Current = "1.1.0";

    public string[] Versions { get; init; } = AllVersions;

    /// <summary>Whether ADD changes the state a snapshot sees (a static IPAM answers from its config alone).</summary>
    public bool AddChangesState { get; init; } = true;

    /// <summary>
    /// State lines (see <see cref="ContractState"/>) that may differ after DEL, because Go's plugin leaves them too
    /// (a bridge and its gateway, forwarding sysctls); each pattern must still match a line after DEL.
    /// </summary>
    public Regex[] Leaves { get; init; } = [];

    public RollbackCase? Rollback { get; init; }

    /// <summary>
    /// For a chained plugin: what the plugin before it leaves in the container (its interface), made once per
    /// test before the "before" snapshot, so the snapshot counts it as given.
    /// </summary>
    public Action<TestNetns>? Prepare { get; init; }

    /// <summary>For a chained applet: the plugin before it; its config is then given that plugin's result as prevResult.</summary>
    public ChainStep? After { get; init; }

    public IReadOnlyDictionary<ContractItem, string> NotApplicable { get; init; } = new Dictionary<ContractItem, string>();

    /// <summary>True when <paramref name="item"/> is generated (a case without a Rollback says why in NotApplicable).</summary>
    public bool Applies(ContractItem item) =>
        !NotApplicable.ContainsKey(item) && (item != ContractItem.RollbackWhenTheLastStepOfAddFails || Rollback is not null);

    public override string ToString() => Applet;
}
