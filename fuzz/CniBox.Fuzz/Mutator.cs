using System.Text;

namespace CniBox.Fuzz;

/// <summary>
/// Blind mutations in the style of libFuzzer's default set: bit flips, interesting integers, inserts and
/// deletions, block copies, crossover with another seed, and dictionary tokens (JSON, CNI names and paths for text
/// harnesses; netlink lengths and types for binary ones). Deterministic for a given seed.
/// </summary>
public sealed class Mutator(Random random, bool binary)
{
    private const int MaxLength = 64 * 1024;

    private static readonly byte[][] TextTokens = Tokens(
        "{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "0", "-1", "1e400", "-0", "1.5", "4294967296",
        "9223372036854775808", "18446744073709551616", "\"\\ud800\"", "\"\\u0000\"", "\\u0000", "\\", "\"../../etc\"", "/",
        "\"cniVersion\":\"1.1.0\"", "\"cniVersion\":\"0.3.1\"", "\"cniVersion\":\"0.1.0\"", "\"name\":\"n\"",
        "\"type\":\"bridge\"", "\"ipam\":{\"type\":\"host-local\"}", "\"prevResult\":", "\"ips\":[{\"address\":\"10.0.0.2/24\"}]",
        "\"interfaces\":[{\"name\":\"eth0\"}]", "\"interface\":0", "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]", "\"ranges\":[[{\"subnet\":\"10.1.0.0/16\"}]]",
        "\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":80,\"containerPort\":80,\"protocol\":\"tcp\"}]}",
        "\"capabilities\":{\"portMappings\":true}", "\"sysctl\":{\"net.ipv4.conf.eth0.forwarding\":\"1\"}",
        "\"mtu\":", "\"vlan\":", "\"master\":\"eth0\"", "\"mode\":\"l2\"", "\"ingressRate\":", "\"dataDir\":\"/tmp/x\"",
        "10.0.0.1", "10.0.0.0/8", "::1", "fd00::/64", "255.255.255.255/33", "IgnoreUnknown=1", "IP=10.0.0.5", ";", "=",
        "\xff\xfe", "\xc0\x80", "\xed\xa0\x80");

    private static readonly byte[][] BinaryTokens =
    [
        [0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff], [4, 0], [8, 0], [0xff, 0xff], [0, 0x80], [0x10, 0, 0, 0], [3, 0],
        [0x10, 0], [0x14, 0], [1, 0], [2, 0], [0x12, 0], [0x0a, 0], [0x80, 0x00], [0x80, 0xff], [0x0a], [0x02],
    ];

    public byte[] Mutate(byte[] seed, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(seed);
        int rounds = 1 + random.Next(random.Next(2) == 0 ? 2 : 8);
        for (int i = 0; i < rounds; i++) MutateOnce(data, corpus);
        if (data.Count > MaxLength) data.RemoveRange(MaxLength, data.Count - MaxLength);
        return [.. data];
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        int at = data.Count == 0 ? 0 : random.Next(data.Count);
        switch (random.Next(9))
        {
            case 0 when data.Count > 0: data[at] ^= (byte)(1 << random.Next(8)); break;
            case 1 when data.Count > 0: data[at] = (byte)random.Next(256); break;
            case 2 when data.Count > 0: data[at] = new byte[] { 0, 1, 0x7f, 0x80, 0xff, (byte)'"', (byte)'\\', 0x20 }[random.Next(8)]; break;
            case 3: data.InsertRange(at, RandomBytes(1 + random.Next(8))); break;
            case 4 when data.Count > 1: data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(16))); break;
            case 5 when data.Count > 1:
                int from = random.Next(data.Count), length = Math.Min(data.Count - from, 1 + random.Next(64));
                data.InsertRange(at, data.GetRange(from, length));
                break;
            case 6 when corpus.Count > 0:
                byte[] other = corpus[random.Next(corpus.Count)];
                if (other.Length == 0) break;
                int start = random.Next(other.Length);
                data.InsertRange(at, other.AsSpan(start, Math.Min(other.Length - start, 1 + random.Next(128))).ToArray());
                break;
            case 7 when binary && data.Count >= 2:
                int offset = random.Next(data.Count - 1) & ~1;
                ushort value = new ushort[] { 0, 1, 3, 4, 5, 8, 0x10, 0x7fff, 0x8000, 0xffff, (ushort)data.Count }[random.Next(11)];
                data[offset] = (byte)value;
                data[offset + 1] = (byte)(value >> 8);
                break;
            default:
                byte[][] tokens = binary ? BinaryTokens : TextTokens;
                data.InsertRange(at, tokens[random.Next(tokens.Length)]);
                break;
        }
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[][] Tokens(params string[] tokens) => [.. tokens.Select(t => t.All(c => c < 0x100) && t.Any(c => c >= 0x80)
        ? t.Select(c => (byte)c).ToArray() : Encoding.UTF8.GetBytes(t))];
}
