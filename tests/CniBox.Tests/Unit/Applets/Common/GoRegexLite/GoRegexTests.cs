using System.Diagnostics;
using CniBox.Applets.Common.GoRegexLite;

namespace CniBox.Tests.Unit.Applets.Common.GoRegexLite;

/// <summary>The RE2 subset tuning's allowlist runs: Go's match results and syntax errors, in linear time.</summary>
public class GoRegexTests
{
    /// <summary>The allowlist.conf OpenShift ships (CNO #1347), where upstream's allowlist came from.</summary>
    private static readonly string[] DefaultAllowlist =
    [
        @"^net.ipv4.conf.IFNAME.accept_redirects$", @"^net.ipv4.conf.IFNAME.accept_source_route$",
        @"^net.ipv4.conf.IFNAME.arp_accept$", @"^net.ipv4.conf.IFNAME.arp_notify$",
        @"^net.ipv4.conf.IFNAME.disable_policy$", @"^net.ipv4.conf.IFNAME.secure_redirects$",
        @"^net.ipv4.conf.IFNAME.send_redirects$", @"^net.ipv6.conf.IFNAME.accept_ra$",
        @"^net.ipv6.conf.IFNAME.accept_redirects$", @"^net.ipv6.conf.IFNAME.accept_source_route$",
        @"^net.ipv6.conf.IFNAME.arp_accept$", @"^net.ipv6.conf.IFNAME.arp_notify$",
        @"^net.ipv6.neigh.IFNAME.base_reachable_time_ms$", @"^net.ipv6.neigh.IFNAME.retrans_time_ms$",
    ];

    [TestCase("net.ipv4.conf.IFNAME.arp_notify", true)]
    [TestCase("net/ipv4/conf/IFNAME/arp_notify", true)] // '.' is any char, as the list is written
    [TestCase("net.ipv6.neigh.IFNAME.retrans_time_ms", true)]
    [TestCase("net.ipv4.conf.IFNAME.rp_filter", false)]
    [TestCase("net.ipv4.conf.IFNAME.arp_notifyx", false)]
    [TestCase("xnet.ipv4.conf.IFNAME.arp_notify", false)]
    [TestCase("net.core.somaxconn", false)]
    public void TheDefaultAllowlistDecidesAsGoDoes(string key, bool allowed) =>
        Assert.That(DefaultAllowlist.Any(p => GoRegex.Compile(p).IsMatch(key)), Is.EqualTo(allowed));

    [TestCase(@"somaxconn", "net.core.somaxconn", true)]
    [TestCase(@"^net\.core\.", "net.core.somaxconn", true)]
    [TestCase(@"^net\.core\.", "netxcore.somaxconn", false)]
    [TestCase(@"^net\.ipv[46]\.conf\.[a-z0-9]+\.[a-z_]*$", "net.ipv6.conf.eth0.accept_ra", true)]
    [TestCase(@"^net\.ipv[46]\.conf\.[a-z0-9]+\.[a-z_]*$", "net.ipv5.conf.eth0.accept_ra", false)]
    [TestCase(@"^net\.ipv[^6]\.", "net.ipv4.x", true)]
    [TestCase(@"^net\.ipv[^6]\.", "net.ipv6.x", false)]
    [TestCase(@"^(?:net|kernel)\.(a|bc)+$", "kernel.abcbca", true)]
    [TestCase(@"^(?:net|kernel)\.(a|bc)+$", "kernel.abcb", false)]
    [TestCase(@"^(?P<top>net)\.x$", "net.x", true)]
    [TestCase(@"^a{2,3}$", "aaa", true)]
    [TestCase(@"^a{2,3}$", "aaaa", false)]
    [TestCase(@"^a{2}$", "aa", true)]
    [TestCase(@"^a{2,}$", "aaaaaa", true)]
    [TestCase(@"^a{2,}$", "a", false)]
    [TestCase(@"a{,2}", "a{,2}", true)] // not a repeat: literal braces, as in Go
    [TestCase(@"^\d+\s\w*\W$", "12 ab_!", true)]
    [TestCase(@"^[\d_]+$", "1_2", true)]
    [TestCase(@"^[]a]+$", "]a]", true)]
    [TestCase(@"^[a-]+$", "-a-", true)]
    [TestCase(@"\x41", "zAz", true)]
    [TestCase(@"\Anet.*\z", "net.x", true)]
    [TestCase(@"a.c", "a\nc", false)]
    [TestCase(@"a??b*?c+?", "ac", true)]
    [TestCase(@"x|", "anything", true)]
    [TestCase(@"^()$", "", true)]
    [TestCase(@"^$", "a", false)]
    public void MatchesAsGoDoes(string pattern, string text, bool match) =>
        Assert.That(GoRegex.Compile(pattern).IsMatch(text), Is.EqualTo(match));

    /// <summary>Random patterns of the shared subset give .NET's answer (the texts avoid what the two treat apart).</summary>
    [Test]
    public void RandomPatternsAgreeWithDotNetRegex()
    {
        var random = new Random(20);
        for (var n = 0; n < 3000; n++)
        {
            var pattern = RandomPattern(random, depth: 0);
            var compiled = GoRegex.Compile(pattern);
            var dotnet = new System.Text.RegularExpressions.Regex(pattern);
            for (var t = 0; t < 8; t++)
            {
                var text = new string(Enumerable.Range(0, random.Next(7)).Select(_ => "abc."[random.Next(4)]).ToArray());
                Assert.That(compiled.IsMatch(text), Is.EqualTo(dotnet.IsMatch(text)), $"`{pattern}` on \"{text}\"");
            }
        }
    }

    [TestCase(@"net.(a", "missing closing ): `net.(a`")]
    [TestCase(@"a)", "unexpected ): `a)`")]
    [TestCase(@"[a", "missing closing ]: `[a`")]
    [TestCase(@"x[]a", "missing closing ]: `[]a`")]
    [TestCase(@"*a", "missing argument to repetition operator: `*`")]
    [TestCase(@"a|+", "missing argument to repetition operator: `+`")]
    [TestCase(@"({2}", "missing argument to repetition operator: `{2}`")]
    [TestCase(@"a**", "invalid nested repetition operator: `**`")]
    [TestCase(@"a*?+", "invalid nested repetition operator: `*?+`")]
    [TestCase(@"a{1001}", "invalid repeat count: `{1001}`")]
    [TestCase(@"a{3,2}", "invalid repeat count: `{3,2}`")]
    [TestCase(@"(a{100}){11}", "invalid repeat count: `{11}`")]
    [TestCase(@"[z-a]", "invalid character class range: `z-a`")]
    [TestCase(@"\q", @"invalid escape sequence: `\q`")]
    [TestCase(@"a\", "trailing backslash at end of expression: ``")]
    public void GoSyntaxErrorsKeepGoWording(string pattern, string message)
    {
        var e = Assert.Throws<GoRegexException>(() => GoRegex.Compile(pattern))!;
        Assert.That((e.Message, e.Unsupported), Is.EqualTo((message, false)));
    }

    [TestCase(@"(?i)net", "(?i)")]
    [TestCase(@"\bnet", @"\b")]
    [TestCase(@"\pL", @"\p")]
    [TestCase(@"[[:alpha:]]", "[:alpha:]]")]
    [TestCase(@"\x{41}", @"\x")]
    public void SyntaxBeyondTheSubsetIsRefusedByName(string pattern, string shown)
    {
        var e = Assert.Throws<GoRegexException>(() => GoRegex.Compile(pattern))!;
        Assert.That(e.Unsupported, Is.True);
        Assert.That(e.Message, Does.StartWith("unsupported regexp syntax").And.Contain(shown));
    }

    [Test]
    public void NestedStarsRunInLinearTime()
    {
        var text = new string('a', 20000);
        var clock = Stopwatch.StartNew();
        Assert.That(GoRegex.Compile(@"^(a*)*(a|aa)*b").IsMatch(text), Is.False);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    private static string RandomPattern(Random random, int depth)
    {
        var parts = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => RandomPiece(random, depth));
        var concat = string.Concat(parts);
        return depth < 2 && random.Next(4) == 0 ? concat + "|" + RandomPattern(random, depth + 1) : concat;
    }

    private static string RandomPiece(Random random, int depth)
    {
        var atom = random.Next(depth < 2 ? 9 : 7) switch
        {
            0 => "a", 1 => "b", 2 => ".", 3 => @"\.", 4 => "[ab]", 5 => "[^a]", 6 => "[a-c]",
            7 => "(" + RandomPattern(random, depth + 1) + ")",
            _ => "(?:" + RandomPattern(random, depth + 1) + ")",
        };
        var piece = atom + random.Next(8) switch { 0 => "*", 1 => "+", 2 => "?", 3 => "{1,2}", 4 => "{2}", _ => "" };
        return random.Next(12) switch { 0 => "^" + piece, 1 => piece + "$", _ => piece };
    }
}
