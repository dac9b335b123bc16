using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Ipam;

/// <summary>An IPAM implementation cnibox can run in-process; the host-local and static applets are shells over one.</summary>
public interface IIpamPlugin
{
    CniResult Add(PluginCall call);
    void Del(PluginCall call);
    void Check(PluginCall call);
    void Gc(PluginCall call);
    void Status(PluginCall call);
}
