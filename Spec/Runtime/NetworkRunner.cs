using System.Text;
using CniBox.Spec.Invoke;
using CniBox.Spec.Json;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;
using CniBox.Spec.Config;

namespace CniBox.Spec.Runtime;

/// <summary>Runs one plugin binary and returns its stdout; throws <see cref="CniException"/> as libcni's invoke does.</summary>
public delegate byte[] PluginRunner(string pluginPath, ExecRequest request);

/// <summary>
/// libcni's list operations (<c>AddNetworkList</c>, <c>DelNetworkList</c>, <c>CheckNetworkList</c>, <c>GCNetworkList</c>,
/// <c>GetStatusNetworkList</c>) over plugins found in <see cref="Path"/> and exec'd, so they can be ours or Go's.
/// Messages follow libcni; CHECK and STATUS errors also name the plugin (libcni returns them bare).
/// </summary>
public sealed class NetworkRunner
{
    private readonly PluginRunner _run;

    public NetworkRunner(IReadOnlyList<string> path, ResultCache cache, TextWriter stderr, PluginRunner? run = null)
    {
        Path = path;
        Cache = cache;
        _run = run ?? ((plugin, request) => PluginExec.Run(plugin, request, stderr));
    }

    public IReadOnlyList<string> Path { get; }
    public ResultCache Cache { get; }

    /// <summary>
    /// Each plugin in order, each getting the previous plugin's result as <c>prevResult</c>; stops at the first
    /// failure without rolling back; caches and returns the last plugin's result (in the version it printed).
    /// </summary>
    public CniResult AddNetworkList(NetworkConfigList list, RuntimeConf rt)
    {
        CniResult? result = null;
        foreach (var plugin in list.Plugins)
        {
            var header = PluginHeader.Of(plugin);
            try
            {
                var pluginPath = PluginFinder.Find(header.Type, Path);
                ThrowIfInvalid(ValidateContainerId(rt.ContainerId));
                ThrowIfInvalid(ValidateNetworkName(list.Name));
                ThrowIfInvalid(PluginEnvironment.ValidateInterfaceName(rt.IfName));
                var prev = result?.ToJson(result.CniVersion, indented: false);
                var stdin = RequestConfig.Build(plugin, list.Name, list.CniVersion, prev, rt.CapabilityArgs);
                var stdout = _run(pluginPath, Request(CniCommand.Add, rt, stdin));
                // A result without cniVersion is in the config's version (libcni fixupResultVersion).
                result = CniResult.Parse(stdout, list.CniVersion);
            }
            catch (Exception e) when (e is CniException or CniRuntimeException)
            {
                throw Failed(header, "add", e);
            }
        }
        if (result is null) throw new CniRuntimeException($"network {GoText.Quote(list.Name)} has no plugins");
        try
        {
            Cache.Save(result, list.Bytes, list.Name, rt);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CniRuntimeException)
        {
            throw new CniRuntimeException($"failed to set network {GoText.Quote(list.Name)} cached result: {e.Message}", e);
        }
        return result;
    }

    /// <summary>
    /// Each plugin in reverse order with the cached result as <c>prevResult</c> (from 0.4.0); an unreadable cache is
    /// dropped and DEL goes on without it; the cache file goes only once every plugin succeeded.
    /// </summary>
    public void DelNetworkList(NetworkConfigList list, RuntimeConf rt)
    {
        string? prev = null;
        if (CniVersion.AtLeast(list.CniVersion, "0.4.0"))
        {
            try
            {
                prev = Cache.GetResult(list.Name, list.CniVersion, rt)?.ToJson(list.CniVersion, indented: false);
            }
            catch (Exception e) when (e is CniException or CniRuntimeException)
            {
                Cache.Delete(list.Name, rt);
                prev = null;
            }
        }
        for (var i = list.Plugins.Count - 1; i >= 0; i--)
        {
            var plugin = list.Plugins[i];
            var header = PluginHeader.Of(plugin);
            try
            {
                var pluginPath = PluginFinder.Find(header.Type, Path);
                var stdin = RequestConfig.Build(plugin, list.Name, list.CniVersion, prev, rt.CapabilityArgs);
                _run(pluginPath, Request(CniCommand.Del, rt, stdin));
            }
            catch (Exception e) when (e is CniException or CniRuntimeException)
            {
                throw Failed(header, "delete", e);
            }
        }
        if (prev is not null) Cache.Delete(list.Name, rt);
    }

    /// <summary>Each plugin in order with the cached result; refused below 0.4.0; nothing runs with disableCheck.</summary>
    public void CheckNetworkList(NetworkConfigList list, RuntimeConf rt)
    {
        if (!CniVersion.AtLeast(list.CniVersion, "0.4.0"))
            throw new CniRuntimeException($"configuration version {GoText.Quote(list.CniVersion)} does not support the CHECK command");
        if (list.DisableCheck) return;
        string? prev;
        try
        {
            prev = Cache.GetResult(list.Name, list.CniVersion, rt)?.ToJson(list.CniVersion, indented: false);
        }
        catch (Exception e) when (e is CniException or CniRuntimeException)
        {
            throw new CniRuntimeException($"failed to get network {GoText.Quote(list.Name)} cached result: {CniRuntimeException.Describe(e)}", e);
        }
        foreach (var plugin in list.Plugins)
        {
            var header = PluginHeader.Of(plugin);
            try
            {
                var pluginPath = PluginFinder.Find(header.Type, Path);
                var stdin = RequestConfig.Build(plugin, list.Name, list.CniVersion, prev, rt.CapabilityArgs);
                _run(pluginPath, Request(CniCommand.Check, rt, stdin));
            }
            catch (Exception e) when (e is CniException or CniRuntimeException)
            {
                throw Failed(header, "check", e);
            }
        }
    }

    /// <summary>
    /// DELs every cached attachment of this network that is not in <paramref name="validAttachments"/> (null: none is
    /// valid), then from 1.1.0 sends GC to every plugin, with the valid set only when one was given. Errors are joined.
    /// </summary>
    public void GcNetworkList(NetworkConfigList list, IReadOnlyList<Attachment>? validAttachments)
    {
        if (list.DisableGC) return;
        var valid = new HashSet<Attachment>(validAttachments ?? []);
        var errors = new List<string>();
        foreach (var cached in Cache.GetCachedAttachments())
        {
            if (cached.Network != list.Name || valid.Contains(new Attachment(cached.ContainerId, cached.IfName))) continue;
            var rt = new RuntimeConf(cached.ContainerId, cached.NetNs, cached.IfName)
            {
                Args = cached.CniArgs,
                CapabilityArgs = cached.CapabilityArgs,
            };
            try
            {
                DelNetworkList(list, rt);
            }
            catch (Exception e) when (e is CniException or CniRuntimeException)
            {
                errors.Add($"failed to delete stale attachment {rt.ContainerId} {rt.IfName}: {CniRuntimeException.Describe(e)}");
            }
        }
        if (CniVersion.AtLeast(list.CniVersion, "1.1.0"))
        {
            foreach (var plugin in list.Plugins)
            {
                var header = PluginHeader.Of(plugin);
                try
                {
                    var pluginPath = PluginFinder.Find(header.Type, Path);
                    var stdin = RequestConfig.BuildForList(plugin, list.Name, list.CniVersion, validAttachments);
                    _run(pluginPath, Request(CniCommand.Gc, Empty, stdin));
                }
                catch (Exception e) when (e is CniException or CniRuntimeException)
                {
                    errors.Add($"failed to GC plugin {header.Type}: {CniRuntimeException.Describe(e)}");
                }
            }
        }
        if (errors.Count > 0) throw new CniRuntimeException(string.Join('\n', errors));
    }

    /// <summary>STATUS to each plugin in order, stopping at the first error; below 1.1.0 a silent success.</summary>
    public void StatusNetworkList(NetworkConfigList list)
    {
        if (!CniVersion.AtLeast(list.CniVersion, "1.1.0")) return;
        foreach (var plugin in list.Plugins)
        {
            var header = PluginHeader.Of(plugin);
            try
            {
                var pluginPath = PluginFinder.Find(header.Type, Path);
                _run(pluginPath, Request(CniCommand.Status, Empty, RequestConfig.BuildForList(plugin, list.Name, list.CniVersion)));
            }
            catch (Exception e) when (e is CniException or CniRuntimeException)
            {
                throw Failed(header, "status", e);
            }
        }
    }

    /// <summary>GC and STATUS send CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME and CNI_ARGS empty.</summary>
    private static readonly RuntimeConf Empty = new("", "", "");

    private ExecRequest Request(CniCommand command, RuntimeConf rt, byte[] stdin) =>
        new(command, rt.ContainerId, rt.NetNs, rt.IfName, rt.ArgsText, Path, stdin);

    private static CniRuntimeException Failed(PluginHeader plugin, string verb, Exception e) =>
        new($"plugin {plugin.Description} failed ({verb}): {CniRuntimeException.Describe(e)}", e);

    private static void ThrowIfInvalid(CniException? e)
    {
        if (e is not null) throw e;
    }

    /// <summary>libcni's <c>ValidateContainerID</c>: empty is code 3, a bad one code 4.</summary>
    private static CniException? ValidateContainerId(string id) =>
        id == "" ? new CniException(ErrorCode.UnknownContainer, "missing containerID")
        : PluginEnvironment.ValidateContainerId(id);

    /// <summary>libcni's <c>ValidateNetworkName</c> (note the colon in its message for the empty name).</summary>
    private static CniException? ValidateNetworkName(string name) =>
        name == "" ? new CniException(ErrorCode.InvalidNetworkConfig, "missing network name:")
        : !Identifier.IsValid(name) ? new CniException(ErrorCode.InvalidNetworkConfig, "invalid characters found in network name", name)
        : null;
}
