using System.Diagnostics;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Warehouse.SqlServer.Sync;

/// <summary>What one SQL Server sync batch has found and done so far.</summary>
internal sealed class BatchState(DateOnly asOf, bool rebuild, Stopwatch total)
{
    public DateOnly AsOf { get; } = asOf;

    public bool Rebuild { get; } = rebuild;

    public Stopwatch Total { get; } = total;

    public long BatchId { get; set; }

    public List<FoundFile> Files { get; set; } = [];

    public DateOnly? LastAsOf { get; set; }

    public List<FileLoad> Loads { get; } = [];

    public Dictionary<string, TimeSpan> Timings { get; } = [];

    public List<string> TempFiles { get; } = [];

    /// <summary>True when features and snapshots must be refreshed even with no new rows: asked for, or the as-of date moved.</summary>
    public bool Derives => Rebuild || LastAsOf != AsOf;

    public void DeleteTempFiles()
    {
        foreach (var f in TempFiles)
        {
            File.Delete(f);
        }
    }
}
