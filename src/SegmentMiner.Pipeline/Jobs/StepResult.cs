namespace SegmentMiner.Pipeline.Jobs;

/// <summary>One job run: the job, how it ended, how long it took, and a line saying what it did.</summary>
public sealed record StepResult(string Job, string Status, TimeSpan Duration, string Detail);
