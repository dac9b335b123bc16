using CniBox.Spec.Results;

namespace CniBox.Tests.Unit.Spec.Results;

/// <summary>Inputs and expected Go output for the result printing tests. "VER" stands for the target version.</summary>
internal static partial class ResultGolden
{
    /// <summary>The bridge result of SPEC.md's ADD example (spec-v1.1.0, section "Examples").</summary>
    public const string SpecExample = """
        {
          "cniVersion": "1.1.0",
          "ips": [ { "address": "10.1.0.5/16", "gateway": "10.1.0.1", "interface": 2 } ],
          "routes": [ { "dst": "0.0.0.0/0" } ],
          "interfaces": [
            { "name": "cni0", "mac": "00:11:22:33:44:55" },
            { "name": "veth3243", "mac": "55:44:33:22:11:11" },
            { "name": "eth0", "mac": "99:88:77:66:55:44", "sandbox": "/var/run/netns/blue" }
          ],
          "dns": { "nameservers": [ "10.1.0.1" ] }
        }
        """;

    public const string SpecExample1x = """
        {
            "cniVersion": "VER",
            "dns": {
                "nameservers": [
                    "10.1.0.1"
                ]
            },
            "interfaces": [
                {
                    "mac": "00:11:22:33:44:55",
                    "name": "cni0"
                },
                {
                    "mac": "55:44:33:22:11:11",
                    "name": "veth3243"
                },
                {
                    "mac": "99:88:77:66:55:44",
                    "name": "eth0",
                    "sandbox": "/var/run/netns/blue"
                }
            ],
            "ips": [
                {
                    "address": "10.1.0.5/16",
                    "gateway": "10.1.0.1",
                    "interface": 2
                }
            ],
            "routes": [
                {
                    "dst": "0.0.0.0/0"
                }
            ]
        }
        """;

    public const string SpecExample04 = """
        {
            "cniVersion": "VER",
            "interfaces": [
                {
                    "name": "cni0",
                    "mac": "00:11:22:33:44:55"
                },
                {
                    "name": "veth3243",
                    "mac": "55:44:33:22:11:11"
                },
                {
                    "name": "eth0",
                    "mac": "99:88:77:66:55:44",
                    "sandbox": "/var/run/netns/blue"
                }
            ],
            "ips": [
                {
                    "version": "4",
                    "interface": 2,
                    "address": "10.1.0.5/16",
                    "gateway": "10.1.0.1"
                }
            ],
            "routes": [
                {
                    "dst": "0.0.0.0/0"
                }
            ],
            "dns": {
                "nameservers": [
                    "10.1.0.1"
                ]
            }
        }
        """;

    public const string SpecExample02 = """
        {
            "cniVersion": "VER",
            "ip4": {
                "ip": "10.1.0.5/16",
                "gateway": "10.1.0.1",
                "routes": [
                    {
                        "dst": "0.0.0.0/0"
                    }
                ]
            },
            "dns": {
                "nameservers": [
                    "10.1.0.1"
                ]
            }
        }
        """;

    /// <summary>Debian's /usr/lib/cni/loopback (plugins 1.1.1) ADD with a config without cniVersion, captured once.</summary>
    public const string LoopbackNoVersion = """
        {
            "cniVersion": "0.1.0",
            "ip4": {
                "ip": "127.0.0.1/8"
            },
            "ip6": {
                "ip": "::1/128"
            },
            "dns": {}
        }
        """;

    public static string For(string template, string version) => template.Replace("\"VER\"", $"\"{version}\"");
}
