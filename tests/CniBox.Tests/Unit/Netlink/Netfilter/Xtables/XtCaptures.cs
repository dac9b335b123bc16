using System.Reflection;
using System.Text.Json;

namespace CniBox.Tests.Unit.Netlink.Netfilter.Xtables;

/// <summary>One iptables command of a capture and the batch messages iptables-nft sent for it.</summary>
public sealed record XtCommand(string Scenario, bool Ipv6, string Table, IReadOnlyList<string> Args, IReadOnlyList<(string Type, byte[] Message)> Sent);

/// <summary>A rule the kernel listed after a scenario, and the line <c>iptables -S</c> printed for it.</summary>
public sealed record XtListed(string Scenario, string Chain, int Index, byte[] Message, string Line)
{
    public override string ToString() => $"{Scenario}: {Line}";
}

/// <summary>
/// The embedded <c>iptables-nft.captures</c> (tests/tools/xt-capture.py describes its lines), read once.
/// </summary>
internal static class XtCaptures
{
    private static readonly Lazy<(List<XtCommand> Commands, List<XtListed> Listed)> All = new(Load);

    public static IReadOnlyList<XtCommand> Commands => All.Value.Commands;

    public static IReadOnlyList<XtListed> Listed => All.Value.Listed;

    private static (List<XtCommand>, List<XtListed>) Load()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("iptables-nft.captures")
            ?? throw new InvalidOperationException("iptables-nft.captures is not embedded");
        using var reader = new StreamReader(stream);
        var commands = new List<XtCommand>();
        var listed = new List<XtListed>();
        var printed = new List<string>();
        var pending = new List<(string Chain, int Index, byte[] Message)>();
        string scenario = "";
        bool ipv6 = false;
        string table = "";
        void Flush()
        {
            foreach (var (chain, index, message) in pending)
            {
                string line = printed.Where(l => l.StartsWith($"-A {chain} ", StringComparison.Ordinal)).ElementAt(index);
                listed.Add(new XtListed(scenario, chain, index, message, line));
            }
            pending.Clear();
            printed.Clear();
        }
        while (reader.ReadLine() is { } line)
        {
            string rest = line.Length > 2 ? line[2..] : "";
            switch (line[0])
            {
                case '=':
                    Flush();
                    string[] head = line[3..].Split(' ');
                    (scenario, ipv6, table) = (head[0], head[1] == "ip6", head[2]);
                    break;
                case '$':
                    var args = JsonDocument.Parse(rest).RootElement.EnumerateArray().Select(a => a.GetString()!).ToList();
                    commands.Add(new XtCommand(scenario, ipv6, table, args, new List<(string, byte[])>()));
                    break;
                case '>':
                    string[] sent = rest.Split(' ');
                    ((List<(string, byte[])>)commands[^1].Sent).Add((sent[0], Convert.FromHexString(sent[2])));
                    break;
                case 'S':
                    printed.Add(rest);
                    break;
                case '<':
                    string[] got = rest.Split(' ');
                    pending.Add((got[0], int.Parse(got[1]), Convert.FromHexString(got[2])));
                    break;
            }
        }
        Flush();
        return (commands, listed);
    }
}
