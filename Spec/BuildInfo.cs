using System.Reflection;

namespace CniBox.Spec;

public static class BuildInfo
{
    public static readonly string Version =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
