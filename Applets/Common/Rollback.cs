using Serilog;

namespace CniBox.Applets.Common;

/// <summary>Best-effort undo steps of a failed ADD: each runs, failures are logged, the original error wins.</summary>
public static class Rollback
{
    public static void Run(ILogger log, string what, Action undo)
    {
        try
        {
            undo();
        }
        catch (Exception e)
        {
            log.Warning(e, "rollback: {What} failed: {Message}", what, e.Message);
        }
    }
}
