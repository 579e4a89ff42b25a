namespace SegmentMiner.Warehouse.Sync;

/// <summary>Loads what is new in the sources into the warehouse: <c>segminer sync</c> and the sync job.</summary>
public interface ISyncService
{
    /// <param name="rebuild">Rebuild features and snapshots for every customer, even when nothing is new.</param>
    Task<SyncResult> RunAsync(DateOnly asOf, CancellationToken cancellationToken = default, bool rebuild = false);
}
