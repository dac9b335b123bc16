namespace CniBox.Spec.Results;

/// <summary>Go has one result type per family; a family reads and writes the same JSON shape.</summary>
internal enum ResultFamily { V02, V04, V1 }

internal static class ResultFamilies
{
    private static readonly string[] V02Versions = ["", "0.1.0", "0.2.0"];
    private static readonly string[] V04Versions = ["0.3.0", "0.3.1", "0.4.0"];
    private static readonly string[] V1Versions = ["1.0.0", "1.1.0"];

    public static ResultFamily? Of(string version) => version switch
    {
        "" or "0.1.0" or "0.2.0" => ResultFamily.V02,
        "0.3.0" or "0.3.1" or "0.4.0" => ResultFamily.V04,
        "1.0.0" or "1.1.0" => ResultFamily.V1,
        _ => null,
    };

    public static IReadOnlyList<string> Versions(ResultFamily family) => family switch
    {
        ResultFamily.V02 => V02Versions,
        ResultFamily.V04 => V04Versions,
        _ => V1Versions,
    };
}
