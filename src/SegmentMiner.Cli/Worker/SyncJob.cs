using Microsoft.Extensions.Logging;
using Quartz;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Pipeline.Jobs;

namespace SegmentMiner.Cli.Worker;

/// <summary>The sync job: load what is new; with no process schedule, chain process after a sync that changed something.</summary>
[DisallowConcurrentExecution]
internal sealed class SyncJob(JobSteps steps, SegmentMinerOptions options, ILogger<SyncJob> log) : WorkerJob(log)
{
    protected override async Task RunAsync(IJobExecutionContext context, string trigger, CancellationToken cancellationToken)
    {
        var sync = await steps.SyncAsync(steps.DefaultAsOf, trigger, cancellationToken);
        if (!sync.Result.UpToDate && string.IsNullOrWhiteSpace(options.Worker.Schedules.Process))
        {
            await ChainAsync(context, JobKeys.Process, "sync");
        }
    }
}
