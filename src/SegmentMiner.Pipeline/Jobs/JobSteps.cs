using Microsoft.Extensions.Logging;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Pipeline.Models;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Pipeline.Reporting;
using SegmentMiner.Pipeline.Retention;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Jobs;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Pipeline.Jobs;

/// <summary>
/// The jobs as the worker, <c>run-once</c> and the demo run them: each calls the same service its CLI command calls,
/// between two ops.JobRun records (Running when it starts; Succeeded, Failed with the error, or Cancelled when it ends).
/// A failure is recorded, then thrown as a <see cref="ChainStepFailedException"/> whose exit code names the job.
/// </summary>
public sealed partial class JobSteps(
    SegmentMinerOptions options, IWarehouseBackend backend, ISyncService sync, IModelService models, IPublishService publish, IRetentionService retention,
    ReportService report, Func<ModelCatalog> catalog, TimeProvider clock, ILogger<JobSteps> log)
{
    /// <summary>The as-of date of a scheduled sync: the Sync:AsOf setting, else today (UTC).</summary>
    public DateOnly DefaultAsOf => options.Sync.AsOf ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public Task<Step<SyncResult>> SyncAsync(DateOnly asOf, string trigger, CancellationToken cancellationToken) =>
        RecordAsync(JobNames.Sync, trigger, async () =>
        {
            var r = await sync.RunAsync(asOf, cancellationToken);
            var loaded = r.Entities.Sum(e => e.Loaded);
            return (r, new JobRunEnd("Succeeded", loaded, BatchId: r.BatchId), r.UpToDate ? "nothing new" : $"batch {r.BatchId}: {loaded:N0} rows loaded");
        }, cancellationToken);

    /// <summary>Deploys what changed (definition or data-source connection), then processes each model.</summary>
    public Task<Step<IReadOnlyList<ProcessResult>>> ProcessAsync(ProcessType type, string trigger, CancellationToken cancellationToken) =>
        RecordAsync(JobNames.Process, trigger, async () =>
        {
            var defined = catalog().Models;
            await models.DeployAsync(defined, cancellationToken);
            var r = await models.ProcessAsync(defined, type, cancellationToken);
            var trained = r.Where(x => x.Processed).ToList();
            return (r, new JobRunEnd("Succeeded", trained.Sum(x => x.Cases)), trained.Count == 0 ? "nothing to train" : $"{trained.Count} models trained");
        }, cancellationToken);

    public Task<Step<IReadOnlyList<PublishResult>>> PublishAsync(string trigger, CancellationToken cancellationToken) =>
        RecordAsync(JobNames.Publish, trigger, async () =>
        {
            var r = await publish.PublishAsync(catalog().Models, cancellationToken);
            var runs = r.Where(x => x.Outcome == "published").ToList();
            var written = await WriteReportAsync(cancellationToken);
            return (r, new JobRunEnd("Succeeded", runs.Sum(x => x.Customers), RunId: runs.Max(x => x.RunId)), (runs.Count == 0 ? "nothing new to publish" : $"{runs.Count} models published") + written);
        }, cancellationToken);

    public Task<Step<RetentionResult>> RetentionAsync(string trigger, CancellationToken cancellationToken) =>
        RecordAsync(JobNames.Retention, trigger, async () =>
        {
            var r = await retention.RunAsync(cancellationToken);
            return (r, new JobRunEnd("Succeeded", r.Total), $"{r.Total:N0} rows of old history deleted");
        }, cancellationToken);

    /// <summary>
    /// Report:Path after every publish. The published runs stand whatever happens here: a report that cannot be
    /// written is a warning (the reason on stderr), not a failed publish.
    /// </summary>
    private async Task<string> WriteReportAsync(CancellationToken cancellationToken)
    {
        if (report.ConfiguredPath is not { } path)
        {
            return "";
        }

        try
        {
            var r = await report.WriteAsync(path, cancellationToken);
            KillPoint.At("publish:report");
            return $"; report {r.Path}";
        }
        catch (Exception ex) when (ex is SegmentMinerException or IOException or UnauthorizedAccessException)
        {
            LogReportFailed(log, path, ex.Message);
            return "; report not written";
        }
    }

    /// <summary>Whether a sync changed the warehouse since the last successful processing.</summary>
    public Task<bool> ProcessDueAsync(CancellationToken cancellationToken) => backend.JobRuns.SyncChangedSinceProcessAsync(cancellationToken);

    /// <summary>Records a run that had nothing to do (status Skipped, the reason as its error text).</summary>
    public async Task SkipAsync(string job, string trigger, string reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var id = await backend.JobRuns.StartAsync(job, trigger, now, cancellationToken);
        await backend.JobRuns.FinishAsync(id, now, new JobRunEnd("Skipped", Error: reason), cancellationToken);
        LogSkipped(log, job, reason);
    }

    private async Task<Step<T>> RecordAsync<T>(string job, string trigger, Func<Task<(T Result, JobRunEnd End, string Detail)>> body, CancellationToken cancellationToken)
    {
        var history = backend.JobRuns;
        var started = clock.GetUtcNow().UtcDateTime;
        var id = await history.StartAsync(job, trigger, started, cancellationToken);
        LogStarted(log, job, id, trigger);
        try
        {
            var (result, end, detail) = await body();
            await history.FinishAsync(id, clock.GetUtcNow().UtcDateTime, end, CancellationToken.None);
            LogSucceeded(log, job, detail);
            return new Step<T>(result, new StepResult(job, end.Status, clock.GetUtcNow().UtcDateTime - started, detail));
        }
        catch (Exception ex) when (ex is OperationCanceledException || (cancellationToken.IsCancellationRequested && ex is System.Data.Common.DbException or SegmentMinerException))
        {
            // A stop: either a safe point saw it, or the database interrupted the statement that was running.
            await history.FinishAsync(id, clock.GetUtcNow().UtcDateTime, new JobRunEnd("Cancelled", Error: "stopped before it finished; nothing of it was kept"), CancellationToken.None);
            LogCancelled(log, job);
            throw ex as OperationCanceledException ?? new OperationCanceledException($"{job} was stopped", ex, cancellationToken);
        }
        catch (Exception ex) when (ex is SegmentMinerException or System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            await history.FinishAsync(id, clock.GetUtcNow().UtcDateTime, new JobRunEnd("Failed", Error: ex.Message), CancellationToken.None);
            if (ex is WarehouseLockedException or ConfigurationException)
            {
                throw; // their own exit codes: 3 and 2
            }

            throw new ChainStepFailedException(job, JobNames.ExitCodes[job], $"{job} failed: {ex.Message}", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Job}: started (run {JobRunId}, trigger {Trigger})")]
    private static partial void LogStarted(ILogger logger, string job, long jobRunId, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Job}: succeeded: {Detail}")]
    private static partial void LogSucceeded(ILogger logger, string job, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job}: cancelled at a safe point; its open work was rolled back")]
    private static partial void LogCancelled(ILogger logger, string job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "report: not written to {Path}: {Reason}; the published runs stand")]
    private static partial void LogReportFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Job}: skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string job, string reason);
}
