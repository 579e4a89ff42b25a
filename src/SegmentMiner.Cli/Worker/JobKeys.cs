using Quartz;

namespace SegmentMiner.Cli.Worker;

/// <summary>The worker's Quartz jobs and what a chained firing carries.</summary>
internal static class JobKeys
{
    public const string Group = "segminer";

    /// <summary>Job data: the trigger name ops.JobRun records for a chained firing ("after sync").</summary>
    public const string TriggerName = "trigger";

    /// <summary>Job data: set when the firing was chained by the job before it (process after sync, publish after process).</summary>
    public const string Chained = "chained";

    public static readonly JobKey Sync = new("sync", Group);

    public static readonly JobKey Process = new("process", Group);

    public static readonly JobKey Publish = new("publish", Group);

    public static readonly JobKey Retention = new("retention", Group);
}
