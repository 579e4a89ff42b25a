namespace SegmentMiner.Pipeline.Jobs;

/// <summary>The jobs, as ops.JobRun names them, and the exit code of each failed step of the chain.</summary>
public static class JobNames
{
    public const string Sync = "sync";

    public const string Process = "process";

    public const string Publish = "publish";

    public const string Retention = "retention";

    public static readonly IReadOnlyDictionary<string, int> ExitCodes = new Dictionary<string, int> { [Sync] = 11, [Process] = 12, [Publish] = 13, [Retention] = 1 };
}
