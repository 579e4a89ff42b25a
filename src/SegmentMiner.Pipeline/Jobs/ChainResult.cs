using SegmentMiner.Core.Mining;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Pipeline.Jobs;

/// <summary>One step of a chain run: the job, how it ended, how long it took, and a line saying what it did.</summary>
public sealed record StepResult(string Job, string Status, TimeSpan Duration, string Detail);

/// <summary>What a chain run did: each step, and the results of sync, processing and publish.</summary>
public sealed record ChainResult(IReadOnlyList<StepResult> Steps, SyncResult Sync, IReadOnlyList<ProcessResult> Processed, IReadOnlyList<PublishResult> Published);
