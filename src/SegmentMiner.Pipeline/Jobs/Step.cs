namespace SegmentMiner.Pipeline.Jobs;

/// <summary>A recorded job run's result and its summary line.</summary>
public sealed record Step<T>(T Result, StepResult Summary);
