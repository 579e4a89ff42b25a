namespace SegmentMiner.Warehouse.Jobs;

/// <summary>What a retention pass deleted.</summary>
public sealed record RetentionResult(long JobRuns, long Batches, long RejectedRows, long PublishedRuns)
{
    public long Total => JobRuns + Batches + RejectedRows + PublishedRuns;
}
