namespace SegmentMiner.Warehouse.Sync;

/// <summary>Counts for one entity in one sync.</summary>
public sealed record EntityCounts(string Entity, int FilesLoaded, int FilesSkipped, long Read, long Loaded, long Unchanged, long Rejected);

/// <summary>What a sync did. <see cref="BatchId"/> is null when nothing was new (nothing was written).</summary>
public sealed record SyncResult(
    long? BatchId,
    DateOnly AsOf,
    IReadOnlyList<EntityCounts> Entities,
    IReadOnlyDictionary<string, TimeSpan> Timings,
    int Customers)
{
    public bool UpToDate => BatchId is null;

    /// <summary>How features and snapshots were brought up to date: "full rebuild" or "incremental: ...".</summary>
    public string? Derived { get; init; }
}
