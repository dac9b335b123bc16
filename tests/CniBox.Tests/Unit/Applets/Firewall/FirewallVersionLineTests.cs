using System.Text.RegularExpressions;
using CniBox.Applets.Firewall;
using CniBox.Tests.Support;

namespace CniBox.Tests.Unit.Applets.Firewall;

/// <summary>
/// nerdctl's probe (pkg/netutil guessFirewallPluginVersion): firewall run with no environment, exit 0, the first stderr
/// line starting "CNI firewall plugin " parsed by Masterminds semver's NewVersion; isolated needs &gt;= v1.7.1.
/// </summary>
public partial class FirewallVersionLineTests
{
    /// <summary>Masterminds semver's loose pattern (v optional, minor and patch optional), with prerelease and metadata.</summary>
    [GeneratedRegex(@"^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$")]
    private static partial Regex SemVer();

    /// <summary>What nerdctl does with stderr; null where it would fail.</summary>
    private static (int Major, int Minor, int Patch, string Prerelease)? Guess(string stderr)
    {
        const string prefix = "CNI firewall plugin ";
        foreach (var line in stderr.Split('\n'))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var m = SemVer().Match(line[prefix.Length..]);
            if (!m.Success) return null;
            int Part(int i) => m.Groups[i].Success ? int.Parse(m.Groups[i].Value) : 0;
            return (Part(1), Part(2), Part(3), m.Groups[4].Value);
        }
        return null;
    }

    /// <summary>semver.GreaterThan || Equal, metadata ignored; a prerelease is below its release.</summary>
    private static bool AtLeast((int Major, int Minor, int Patch, string Prerelease) v, (int, int, int) min)
    {
        var c = (v.Major, v.Minor, v.Patch).CompareTo(min);
        return c > 0 || (c == 0 && v.Prerelease.Length == 0);
    }

    [Test]
    public void NerdctlFindsAVersionThatAllowsIsolated()
    {
        var outcome = InMemorySkel.Run(new FirewallApplet(), new Dictionary<string, string>(), "", name: "firewall");
        Assert.That(outcome.Exit, Is.EqualTo(0));
        var version = Guess(outcome.Stderr);
        Assert.That(version, Is.Not.Null, outcome.Stderr);
        Assert.That(AtLeast(version!.Value, (1, 7, 1)), Is.True);
        Assert.That(AtLeast(version.Value, (1, 1, 0)), Is.True);
        Assert.That(outcome.Stderr, Does.StartWith("CNI firewall plugin v1.9.1+cnibox."));
        Assert.That(outcome.Stderr, Does.Contain("CNI protocol versions supported: 0.4.0, 1.0.0, 1.1.0"));
    }

    [TestCase("CNI firewall plugin v1.1.1\n", false)]
    [TestCase("CNI firewall plugin v1.7.0\n", false)]
    [TestCase("CNI firewall plugin v1.7.1\n", true)]
    [TestCase("CNI firewall plugin v1.7.1-rc1\n", false)]
    [TestCase("CNI firewall plugin version unknown\n", null)]
    public void TheParserAgreesWithNerdctlOnGosLines(string stderr, bool? isolated)
    {
        var v = Guess(stderr);
        Assert.That(v is null ? (bool?)null : AtLeast(v.Value, (1, 7, 1)), Is.EqualTo(isolated));
    }

    [TestCase("0.1.0", "0.1.0")]
    [TestCase("1.2.3+abc.def", "1.2.3-abc.def")]
    [TestCase("..", "unknown")]
    [TestCase("1.0_rc/1", "1.0-rc-1")]
    public void BuildMetadataIsAlwaysValidSemver(string version, string metadata)
    {
        Assert.That(FirewallApplet.BuildMetadata(version), Is.EqualTo(metadata));
        Assert.That(SemVer().IsMatch("v1.9.1+cnibox." + FirewallApplet.BuildMetadata(version)), Is.True);
    }
}
