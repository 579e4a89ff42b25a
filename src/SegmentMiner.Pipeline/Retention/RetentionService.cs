using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Jobs;

namespace SegmentMiner.Pipeline.Retention;

/// <summary>
/// Keeps the warehouse's history bounded: job runs, failed batches and rejected rows older than
/// Retention:KeepHistory, and published runs beyond Publish:KeepRuns per model (the current run is always kept).
/// </summary>
public sealed partial class RetentionService(IOptions<RetentionOptions> retention, IOptions<PublishOptions> publish, IWarehouseBackend backend, TimeProvider clock, ILogger<RetentionService> log) : IRetentionService
{
    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - retention.Value.KeepHistory;
        var keep = publish.Value.KeepRuns;
        var result = await backend.ApplyRetentionAsync(new RetentionLimits(cutoff, keep), m => LogWaiting(log, m), cancellationToken);
        LogDone(log, cutoff, result.JobRuns, result.Batches, result.RejectedRows, result.PublishedRuns, keep);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    private static partial void LogWaiting(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "retention: before {Cutoff:yyyy-MM-dd HH:mm} UTC deleted {JobRuns} job runs, {Batches} failed batches, {Rejected} rejected rows; {Runs} published runs beyond {Keep} per model")]
    private static partial void LogDone(ILogger logger, DateTime cutoff, long jobRuns, long batches, long rejected, long runs, int keep);
}
