using CniBox.Spec;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Applets.Common.Chained;

/// <summary>What a chained plugin's config must offer the base: the decoded NetConf, whose prevResult it reads.</summary>
public interface IChainedConfig
{
    PluginConfig Config { get; }
}

/// <summary>
/// A plugin that runs after another in a chain (portmap, firewall, tuning, bandwidth, sbr, vrf): it works on the
/// prevResult and passes it on. The prevResult is parsed once per call, in the config's version family (a bad
/// one fails ADD, CHECK and DEL with Go's "could not parse prevResult"); ADD and CHECK require it, DEL gets it when the
/// runtime sent one. ADD prints the prevResult, with what the plugin added to it, in the config's cniVersion.
/// </summary>
public abstract class ChainedPlugin<TConfig> : CniPlugin<TConfig> where TConfig : IChainedConfig
{
    /// <summary>ADD without a prevResult: Go's plain error (code 999). portmap words it "must be called as chained plugin".</summary>
    protected virtual string MissingOnAdd => "missing prevResult from earlier plugin";

    /// <summary>CHECK without a prevResult; portmap and tuning say "Required prevResult missing".</summary>
    protected virtual string MissingOnCheck => MissingOnAdd;

    /// <summary>Adds the plugin's part to <paramref name="prevResult"/>, which the base then prints.</summary>
    protected abstract void Add(PluginCall call, TConfig config, CniResult prevResult);

    /// <summary>Undoes ADD; <paramref name="prevResult"/> is null when the runtime sent none (DEL must still succeed).</summary>
    protected abstract void Del(PluginCall call, TConfig config, CniResult? prevResult);

    protected abstract void Check(PluginCall call, TConfig config, CniResult prevResult);

    protected sealed override CniResult Add(PluginCall call, TConfig config)
    {
        var prev = PrevResult(config) ?? throw new CniException(ErrorCode.Internal, MissingOnAdd);
        Add(call, config, prev);
        prev.CniVersion = call.CniVersion;
        return prev;
    }

    protected sealed override void Del(PluginCall call, TConfig config) => Del(call, config, PrevResult(config));

    /// <summary>Not sealed: sbr's CHECK succeeds without a prevResult, and overrides this to say so.</summary>
    protected override void Check(PluginCall call, TConfig config) =>
        Check(call, config, PrevResult(config) ?? throw new CniException(ErrorCode.Internal, MissingOnCheck));

    private static CniResult? PrevResult(TConfig config) => config.Config.Conf.ParsePrevResult();
}
