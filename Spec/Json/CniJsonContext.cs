using System.Text.Json;
using System.Text.Json.Serialization;
using CniBox.Spec.Config;
using CniBox.Spec.Results;

namespace CniBox.Spec.Json;

/// <summary>
/// The one source-generated JSON context of cnibox. Matching is case-insensitive and unknown keys are
/// ignored, as with Go's encoding/json. Applets add their own types with <c>[JsonSerializable]</c> on
/// another <c>partial</c> declaration of this class.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NetConf))]
[JsonSerializable(typeof(IpamConf))]
[JsonSerializable(typeof(ResultDns))]
[JsonSerializable(typeof(Result100Wire))]
[JsonSerializable(typeof(Result040Wire))]
[JsonSerializable(typeof(Result020Wire))]
[JsonSerializable(typeof(VersionWire))]
[JsonSerializable(typeof(VersionInfoWire))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
public partial class CniJsonContext : JsonSerializerContext;
