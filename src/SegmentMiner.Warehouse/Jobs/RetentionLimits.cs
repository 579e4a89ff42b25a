namespace SegmentMiner.Warehouse.Jobs;

/// <summary>What retention keeps: history newer than <paramref name="Cutoff"/> (UTC), and the newest <paramref name="KeepRuns"/> published runs per model.</summary>
public sealed record RetentionLimits(DateTime Cutoff, int KeepRuns);
