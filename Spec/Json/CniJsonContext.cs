using System.Text.Json;
using System.Text.Json.Serialization;
using CniBox.Spec.Config;
using CniBox.Spec.Results;

namespace CniBox.Spec.Json;

/// <summary>
/// The one source-generated JSON context of cnibox, for cold paths only (cnitool's result cache and the like).
/// Nothing a plugin runs per call may use it, nor JsonSerializer at all: in the AOT binary the first
/// Deserialize costs ~0.9 ms per process. The plugin path reads JsonDocument through <see cref="JsonFields"/>;
/// JsonSerializerGuardTests fails when JsonSerializer appears in Spec/, Applets/, Ipam/ or Netlink/ elsewhere.
/// Matching is case-insensitive and unknown keys are ignored, as with Go's encoding/json. Applets add their own types with <c>[JsonSerializable]</c> on
/// another <c>partial</c> declaration of this class.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NetConf))]
[JsonSerializable(typeof(IpamConf))]
[JsonSerializable(typeof(ResultDns))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
public partial class CniJsonContext : JsonSerializerContext;
