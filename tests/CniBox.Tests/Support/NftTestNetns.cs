using System.Diagnostics;
using System.Text.Json;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Netfilter;

namespace CniBox.Tests.Support;

/// <summary>
/// A throwaway <c>cbt-nft-&lt;hex&gt;</c> namespace with an <see cref="NftHandle"/> opened inside it, plus Debian's
/// <c>nft</c> run in the same namespace as an independent oracle. The host's ruleset is never touched.
/// </summary>
public sealed class NftTestNetns : IDisposable
{
    public NftTestNetns(string tag = "nft")
    {
        Netns = new TestNetns(tag);
        try
        {
            using NetNsHandle ns = NetNsHandle.Open(Netns.Path);
            Nft = NftHandle.Open(ns);
        }
        catch
        {
            Netns.Dispose();
            throw;
        }
    }

    public TestNetns Netns { get; }

    public NftHandle Nft { get; }

    public string Name => Netns.Name;

    /// <summary><c>ip netns exec NS nft ARGS</c>; throws with nft's stderr when it fails.</summary>
    public string NftCli(params string[] args) => Run("ip", ["netns", "exec", Name, "nft", .. args]);

    /// <summary><c>nft list ruleset</c> in the namespace, as text.</summary>
    public string Ruleset() => NftCli("list", "ruleset");

    /// <summary><c>nft -j list ruleset</c> parsed: the "nftables" array.</summary>
    public JsonElement RulesetJson() => JsonDocument.Parse(NftCli("-j", "list", "ruleset")).RootElement.GetProperty("nftables").Clone();

    /// <summary>The comments of the rules nft -j lists in FAMILY TABLE CHAIN, in order.</summary>
    public List<string?> JsonRuleComments(string family, string table, string chain) =>
        [.. RulesetJson().EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out JsonElement r) && r.GetProperty("family").GetString() == family
                && r.GetProperty("table").GetString() == table && r.GetProperty("chain").GetString() == chain)
            .Select(e => e.GetProperty("rule").TryGetProperty("comment", out JsonElement c) ? c.GetString() : null)];

    public void Dispose()
    {
        Nft.Dispose();
        Netns.Dispose();
    }

    public static string Run(string file, string[] args, string? stdin = null, bool allowFailure = false)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (string arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && !allowFailure)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Trim()} {stdout.Trim()}");
        return stdout;
    }
}
