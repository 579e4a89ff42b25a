using Microsoft.Extensions.Logging;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;
using SegmentMiner.Warehouse.Jobs;
using SegmentMiner.Warehouse.SqlServer;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Pipeline.Jobs;

/// <summary>
/// The main job, one step after another: sync, then process (deploy what changed, train again when sync loaded
/// something new, else only what is not processed), then publish. Each step is recorded in ops.JobRun when it starts
/// and when it ends (Succeeded, Failed with the error, or Cancelled); a failed step stops the chain, and its exit code
/// names it (11 sync, 12 process, 13 publish). The demo, <c>run-once</c> and the scheduled worker all run this.
/// </summary>
public sealed class JobChain(SegmentMinerOptions options, DataFolder folder, ILogger log, TimeProvider clock)
{
    public static readonly IReadOnlyDictionary<string, int> ExitCodes = new Dictionary<string, int> { ["sync"] = 11, ["process"] = 12, ["publish"] = 13 };

    private readonly List<StepResult> _steps = [];

    public async Task<ChainResult> RunAsync(IReadOnlyList<ModelDefinition> models, DateOnly asOf, string trigger, CancellationToken cancellationToken)
    {
        var history = History();
        var sync = await StepAsync(history, "sync", trigger, async () =>
        {
            var r = await new SyncService(options, folder, log).RunAsync(asOf, cancellationToken);
            var loaded = r.Entities.Sum(e => e.Loaded);
            return (r, new JobRunEnd("Succeeded", loaded, BatchId: r.BatchId), r.UpToDate ? "nothing new" : $"batch {r.BatchId}: {loaded:N0} rows loaded");
        }, cancellationToken);

        await using var server = MiningServers.Create(options, folder, log);
        var type = sync.UpToDate ? ProcessType.Default : ProcessType.Full;
        var processed = await StepAsync(history, "process", trigger, async () =>
        {
            var r = await SegmentJob.DeployAndProcessAsync(server, models, type, log, cancellationToken);
            var trained = r.Where(x => x.Processed).ToList();
            return (r, new JobRunEnd("Succeeded", trained.Sum(x => x.Cases)), trained.Count == 0 ? "nothing to train" : $"{trained.Count} models trained");
        }, cancellationToken);

        var published = await StepAsync(history, "publish", trigger, async () =>
        {
            var r = await new PublishService(options, folder, server, log).PublishAsync(models, cancellationToken);
            var runs = r.Where(x => x.Outcome == "published").ToList();
            return (r, new JobRunEnd("Succeeded", runs.Sum(x => x.Customers), RunId: runs.Max(x => x.RunId)), runs.Count == 0 ? "nothing new to publish" : $"{runs.Count} models published");
        }, cancellationToken);

        return new ChainResult(_steps, sync, processed, published);
    }

    private JobRunStore History()
    {
        if (options.Warehouse.Provider == WarehouseProvider.SqlServer)
        {
            return new SqlServerJobRunStore(new SqlServerWarehouse(options.Warehouse.ConnectionString!));
        }

        return new DuckDbJobRunStore(new DuckDbWarehouse(folder, options.Warehouse));
    }

    /// <summary>Runs one step between its two ops.JobRun records; a failure is recorded, then stops the chain with the step's exit code.</summary>
    private async Task<T> StepAsync<T>(JobRunStore history, string job, string trigger, Func<Task<(T Result, JobRunEnd End, string Detail)>> body, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow().UtcDateTime;
        var id = await history.StartAsync(job, trigger, started, cancellationToken);
        log.LogInformation("{Job}: started (run {JobRunId})", job, id);
        try
        {
            var (result, end, detail) = await body();
            await history.FinishAsync(id, clock.GetUtcNow().UtcDateTime, end, CancellationToken.None);
            _steps.Add(new StepResult(job, end.Status, clock.GetUtcNow().UtcDateTime - started, detail));
            log.LogInformation("{Job}: succeeded: {Detail}", job, detail);
            return result;
        }
        catch (OperationCanceledException)
        {
            await history.FinishAsync(id, clock.GetUtcNow().UtcDateTime, new JobRunEnd("Cancelled"), CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (ex is SegmentMinerException or System.Data.Common.DbException or IOException)
        {
            await history.FinishAsync(id, clock.GetUtcNow().UtcDateTime, new JobRunEnd("Failed", Error: ex.Message), CancellationToken.None);
            if (ex is WarehouseLockedException or ConfigurationException)
            {
                throw; // their own exit codes: 3 and 2
            }

            throw new ChainStepFailedException(job, ExitCodes[job], $"{job} failed: {ex.Message}", ex);
        }
    }
}
