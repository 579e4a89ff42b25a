using SegmentMiner.Core.Mining;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Pipeline.Jobs;

/// <summary>What a chain run did: each step, and the results of sync, processing and publish.</summary>
public sealed record ChainResult(IReadOnlyList<StepResult> Steps, SyncResult Sync, IReadOnlyList<ProcessResult> Processed, IReadOnlyList<PublishResult> Published);
