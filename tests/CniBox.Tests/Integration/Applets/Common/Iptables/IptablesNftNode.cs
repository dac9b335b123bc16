using System.Text.RegularExpressions;
using CniBox.Applets.Common.Iptables;
using CniBox.Netlink.Namespaces;
using CniBox.Netlink.Netfilter;
using CniBox.Tests.Support;

namespace CniBox.Tests.Integration.Applets.Common.Iptables;

/// <summary>
/// A throwaway <c>cbt-xt-&lt;hex&gt;</c> namespace with the real iptables-nft programs run inside it and
/// <see cref="IptablesNft"/> instances on a netfilter handle opened there. Never the host's tables.
/// </summary>
internal sealed class IptablesNftNode : IDisposable
{
    private readonly NftHandle _nft;

    public IptablesNftNode()
    {
        Netns = new TestNetns("xt");
        try
        {
            using NetNsHandle ns = NetNsHandle.Open(Netns.Path);
            _nft = NftHandle.Open(ns);
        }
        catch
        {
            Netns.Dispose();
            throw;
        }
    }

    public TestNetns Netns { get; }

    /// <summary>A fresh instance (its own listing cache) on the namespace's handle.</summary>
    public IptablesNft Ours(bool ipv6) => new(ipv6, _nft);

    /// <summary>Runs iptables-nft / ip6tables-nft with ARGS in the namespace: its exit status and stdout.</summary>
    public (int Exit, string Stdout) Theirs(bool ipv6, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "netns", "exec", Netns.Name, ipv6 ? "ip6tables-nft" : "iptables-nft" }.Concat(args))
            psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout);
    }

    /// <summary><c>iptables-save</c> of the family without its comment lines and with counters zeroed.</summary>
    public string Save(bool ipv6)
    {
        string save = NftTestNetns.Run("ip", ["netns", "exec", Netns.Name, ipv6 ? "ip6tables-nft-save" : "iptables-nft-save"]);
        return string.Join('\n', save.Split('\n').Where(l => !l.StartsWith('#')).Select(l => Regex.Replace(l, @"\[\d+:\d+\]", "[0:0]")));
    }

    public void Dispose()
    {
        _nft.Dispose();
        Netns.Dispose();
    }
}
