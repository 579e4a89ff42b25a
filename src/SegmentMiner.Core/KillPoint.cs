using System.Diagnostics;
using System.Globalization;

namespace SegmentMiner.Core;

/// <summary>
/// Crash points for the crash-safety tests, ignored unless set. <c>SEGMINER_KILL_AT=name#n</c> makes the process
/// SIGKILL itself the n-th time (default the first) it reaches the point named, as a machine lost at that instant
/// would; <c>SEGMINER_KILL_TRACE=file</c> appends every point reached to a file, which is how the harness lists the
/// points of a command. The points (README, "Crash safety") sit between steps, between files and models, and just
/// before and after each commit.
/// </summary>
public static class KillPoint
{
    private static readonly string? Target = Environment.GetEnvironmentVariable("SEGMINER_KILL_AT");
    private static readonly string? Trace = Environment.GetEnvironmentVariable("SEGMINER_KILL_TRACE");
    private static readonly Dictionary<string, int> Reached = new(StringComparer.Ordinal);

    /// <summary>Marks that the process has reached <paramref name="name"/>; kills it here when told to.</summary>
    public static void At(string name)
    {
        if (Target is null && Trace is null)
        {
            return;
        }

        string point;
        lock (Reached)
        {
            var occurrence = Reached[name] = Reached.GetValueOrDefault(name) + 1;
            point = name + "#" + occurrence.ToString(CultureInfo.InvariantCulture);
            if (Trace is not null)
            {
                File.AppendAllText(Trace, point + "\n"); // models train in parallel: one writer at a time
            }
        }

        if (Target is not null && (Target == point || Target + "#1" == point))
        {
            Console.Error.Flush();
            Process.GetCurrentProcess().Kill(); // SIGKILL: no finally block, no flush, no rollback
        }
    }
}
