namespace SegmentMiner.Warehouse.Sync;

/// <summary>Loads what is new in the sources into the warehouse in one transaction: <c>segminer sync</c> and the sync job.</summary>
public interface ISyncService
{
    Task<SyncResult> RunAsync(DateOnly asOf, CancellationToken cancellationToken = default);
}
