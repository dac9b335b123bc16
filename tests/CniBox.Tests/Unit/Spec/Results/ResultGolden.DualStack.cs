using CniBox.Spec.Results;

namespace CniBox.Tests.Unit.Spec.Results;

internal static partial class ResultGolden
{
    /// <summary>A dual-stack bridge-like result that uses every 1.1.0 field.</summary>
    public static CniResult DualStack() => new()
    {
        Interfaces =
        [
            new() { Name = "cni0", Mac = "0a:58:0a:01:00:01", Mtu = 1500 },
            new() { Name = "veth1234", Mac = "aa:bb:cc:dd:ee:01" },
            new()
            {
                Name = "eth0", Mac = "0a:58:0a:01:00:05", Mtu = 1450, Sandbox = "/var/run/netns/blue",
                SocketPath = "/run/x.sock", PciId = "0000:00:1f.6",
            },
        ],
        Ips =
        [
            new() { Interface = 2, Address = "10.1.0.5/16", Gateway = "10.1.0.1" },
            new() { Interface = 2, Address = "10.1.0.6/16" },
            new() { Interface = 2, Address = "2001:db8::5/64", Gateway = "2001:db8::1" },
        ],
        Routes =
        [
            new() { Dst = "0.0.0.0/0", Gw = "10.1.0.1" },
            new() { Dst = "::/0", Gw = "2001:db8::1", Mtu = 1400, AdvMss = 1360, Priority = 100, Table = 0, Scope = 0 },
            new() { Dst = "192.168.0.0/16", Table = 100, Scope = 253 },
        ],
        Dns = new() { Nameservers = ["10.1.0.1", "2001:db8::1"], Domain = "cluster.local", Search = ["svc.cluster.local"], Options = ["ndots:5"] },
    };

    public const string DualStack1x = """
        {
            "cniVersion": "VER",
            "dns": {
                "domain": "cluster.local",
                "nameservers": [
                    "10.1.0.1",
                    "2001:db8::1"
                ],
                "options": [
                    "ndots:5"
                ],
                "search": [
                    "svc.cluster.local"
                ]
            },
            "interfaces": [
                {
                    "mac": "0a:58:0a:01:00:01",
                    "mtu": 1500,
                    "name": "cni0"
                },
                {
                    "mac": "aa:bb:cc:dd:ee:01",
                    "name": "veth1234"
                },
                {
                    "mac": "0a:58:0a:01:00:05",
                    "mtu": 1450,
                    "name": "eth0",
                    "pciID": "0000:00:1f.6",
                    "sandbox": "/var/run/netns/blue",
                    "socketPath": "/run/x.sock"
                }
            ],
            "ips": [
                {
                    "address": "10.1.0.5/16",
                    "gateway": "10.1.0.1",
                    "interface": 2
                },
                {
                    "address": "10.1.0.6/16",
                    "interface": 2
                },
                {
                    "address": "2001:db8::5/64",
                    "gateway": "2001:db8::1",
                    "interface": 2
                }
            ],
            "routes": [
                {
                    "dst": "0.0.0.0/0",
                    "gw": "10.1.0.1"
                },
                {
                    "advmss": 1360,
                    "dst": "::/0",
                    "gw": "2001:db8::1",
                    "mtu": 1400,
                    "priority": 100,
                    "scope": 0,
                    "table": 0
                },
                {
                    "dst": "192.168.0.0/16",
                    "scope": 253,
                    "table": 100
                }
            ]
        }
        """;

    public const string DualStack04 = """
        {
            "cniVersion": "VER",
            "interfaces": [
                {
                    "name": "cni0",
                    "mac": "0a:58:0a:01:00:01"
                },
                {
                    "name": "veth1234",
                    "mac": "aa:bb:cc:dd:ee:01"
                },
                {
                    "name": "eth0",
                    "mac": "0a:58:0a:01:00:05",
                    "sandbox": "/var/run/netns/blue"
                }
            ],
            "ips": [
                {
                    "version": "4",
                    "interface": 2,
                    "address": "10.1.0.5/16",
                    "gateway": "10.1.0.1"
                },
                {
                    "version": "4",
                    "interface": 2,
                    "address": "10.1.0.6/16"
                },
                {
                    "version": "6",
                    "interface": 2,
                    "address": "2001:db8::5/64",
                    "gateway": "2001:db8::1"
                }
            ],
            "routes": [
                {
                    "dst": "0.0.0.0/0",
                    "gw": "10.1.0.1"
                },
                {
                    "dst": "::/0",
                    "gw": "2001:db8::1",
                    "mtu": 1400,
                    "advmss": 1360,
                    "priority": 100,
                    "table": 0,
                    "scope": 0
                },
                {
                    "dst": "192.168.0.0/16",
                    "table": 100,
                    "scope": 253
                }
            ],
            "dns": {
                "nameservers": [
                    "10.1.0.1",
                    "2001:db8::1"
                ],
                "domain": "cluster.local",
                "search": [
                    "svc.cluster.local"
                ],
                "options": [
                    "ndots:5"
                ]
            }
        }
        """;

    public const string DualStack02 = """
        {
            "cniVersion": "VER",
            "ip4": {
                "ip": "10.1.0.5/16",
                "gateway": "10.1.0.1",
                "routes": [
                    {
                        "dst": "0.0.0.0/0",
                        "gw": "10.1.0.1"
                    },
                    {
                        "dst": "192.168.0.0/16"
                    }
                ]
            },
            "ip6": {
                "ip": "2001:db8::5/64",
                "gateway": "2001:db8::1",
                "routes": [
                    {
                        "dst": "::/0",
                        "gw": "2001:db8::1"
                    }
                ]
            },
            "dns": {
                "nameservers": [
                    "10.1.0.1",
                    "2001:db8::1"
                ],
                "domain": "cluster.local",
                "search": [
                    "svc.cluster.local"
                ],
                "options": [
                    "ndots:5"
                ]
            }
        }
        """;
}
