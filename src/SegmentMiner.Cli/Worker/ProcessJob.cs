using Microsoft.Extensions.Logging;
using Quartz;
using SegmentMiner.Core.Mining;
using SegmentMiner.Pipeline.Jobs;

namespace SegmentMiner.Cli.Worker;

/// <summary>
/// The process job: deploy what changed, then train. On its schedule it runs only when a sync changed something since
/// the last processing (otherwise it records Skipped); chained after a sync it always runs. Publish follows a success.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ProcessJob(JobSteps steps, ILogger<ProcessJob> log) : WorkerJob(log)
{
    protected override async Task RunAsync(IJobExecutionContext context, string trigger, CancellationToken cancellationToken)
    {
        var chained = context.MergedJobDataMap.GetString(JobKeys.Chained) == "true";
        if (!chained && !await steps.ProcessDueAsync(cancellationToken))
        {
            await steps.SkipAsync(JobNames.Process, trigger, "no sync changed the warehouse since the last processing", cancellationToken);
            return;
        }

        await steps.ProcessAsync(ProcessType.Full, trigger, cancellationToken);
        await ChainAsync(context, JobKeys.Publish, "process");
    }
}
