using SegmentMiner.Warehouse.Jobs;

namespace SegmentMiner.Pipeline.Retention;

/// <summary>Deletes old history and published runs beyond the limits: <c>segminer retention</c> and the retention job.</summary>
public interface IRetentionService
{
    Task<RetentionResult> RunAsync(CancellationToken cancellationToken);
}
