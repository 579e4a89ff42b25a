namespace SegmentMiner.Core.Configuration;

/// <summary>What the retention job deletes; published runs are limited by Publish:KeepRuns.</summary>
public sealed class RetentionOptions
{
    /// <summary>Job runs, failed batches and rejected rows older than this are deleted. Default 90 days.</summary>
    public TimeSpan KeepHistory { get; set; } = TimeSpan.FromDays(90);
}
