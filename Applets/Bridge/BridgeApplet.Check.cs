using CniBox.Applets.Common;
using CniBox.Netlink.Links;
using CniBox.Netlink.Rtnl;
using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Bridge;

public sealed partial class BridgeApplet
{
    /// <summary>
    /// Go's cmdCheck: IPAM CHECK (L3 only); the prevResult's bridge exists, is a bridge, has its MAC and the configured
    /// promisc state; the container interface is a veth with its MAC; some host veth of the result is its peer
    /// with the bridge as master; the IPs and routes are in the container.
    /// </summary>
    protected override void Check(PluginCall call, BridgeConfig cfg)
    {
        using var container = ContainerNetns.OpenRtnl(call.Netns);
        // Go execs IPAM CHECK even for ipam {}, so its CHECK of an L2-only network always fails.
        if (cfg.IsLayer3) _ipam.Check(call, cfg.IpamType);
        var prev = ResultChecks.RequirePrevResult(cfg.Config.Conf, "");
        var brMap = prev.Interfaces.LastOrDefault(i => i.Name == cfg.BridgeName) ?? new ResultInterface();
        var contMap = prev.Interfaces.LastOrDefault(i => i.Name == call.IfName && i.Sandbox == call.Netns && i.Name != cfg.BridgeName)
            ?? new ResultInterface();

        using var host = RtnlHandle.Open();
        var br = Lookup(host, brMap, inSandbox: false);
        if (br.Kind != "bridge")
            throw Fail($"Interface {brMap.Name} does not have link type of bridge");
        if (!string.IsNullOrEmpty(brMap.Mac) && brMap.Mac != br.Mac)
            throw Fail($"Bridge interface {brMap.Name} Mac doesn't match: {brMap.Mac}");
        if (br.IsPromisc != cfg.PromiscMode)
            throw Fail($"Bridge interface {brMap.Name} configured Promisc Mode {GoBool(cfg.PromiscMode)} doesn't match current state: {GoBool(br.IsPromisc)} ");

        if (call.Netns != (contMap.Sandbox ?? ""))
            throw Fail($"Sandbox in prevResult {contMap.Sandbox} doesn't match configured netns: {call.Netns}");
        var cont = Lookup(container, contMap, inSandbox: true);
        if (cont.KindData is not VethData contVeth)
            throw Fail($"Error: Container interface {cont.Name} not of type veth");
        if (!string.IsNullOrEmpty(contMap.Mac) && contMap.Mac != cont.Mac)
            throw Fail($"Interface {contMap.Name} Mac {contMap.Mac} doesn't match container Mac: {cont.Mac}");

        var vethFound = false;
        foreach (var intf in prev.Interfaces)
        {
            if (intf.Name == brMap.Name || intf.Name == contMap.Name) continue;
            var link = Lookup(host, intf, inSandbox: false);
            if (link.KindData is not VethData hostVeth) continue;
            if (link.Index != contVeth.PeerIndex || hostVeth.PeerIndex != cont.Index || link.MasterIndex != br.Index) continue;
            if (!string.IsNullOrEmpty(intf.Mac) && intf.Mac != link.Mac)
                throw Fail($"Interface {intf.Name} Mac doesn't match: {intf.Mac} not found");
            vethFound = true;
            break;
        }
        if (!vethFound)
            throw Fail($"CNI veth created for bridge {cfg.BridgeName} was not found");

        ResultChecks.Container(container, cont, prev.Ips, prev.Routes);
    }

    /// <summary>validateInterface: the name is set, the link exists, and the sandbox is as expected.</summary>
    private static LinkInfo Lookup(RtnlHandle rtnl, ResultInterface intf, bool inSandbox)
    {
        if (string.IsNullOrEmpty(intf.Name)) throw Fail("Interface name missing ");
        var link = rtnl.GetLink(intf.Name) ?? throw Fail($"Interface name {intf.Name} not found");
        if (inSandbox && string.IsNullOrEmpty(intf.Sandbox))
            throw Fail($"Interface {intf.Name} is expected to be in a sandbox");
        if (!inSandbox && !string.IsNullOrEmpty(intf.Sandbox))
            throw Fail($"Interface {intf.Name} should not be in sandbox");
        return link;
    }

    private static string GoBool(bool b) => b ? "true" : "false";

    private static CniException Fail(string message) => new(ErrorCode.Internal, message);
}
