using Microsoft.Extensions.Logging;
using Quartz;
using SegmentMiner.Pipeline.Jobs;

namespace SegmentMiner.Cli.Worker;

/// <summary>The retention job: old job runs, failed batches, rejected rows and published runs beyond the limits.</summary>
[DisallowConcurrentExecution]
internal sealed class RetentionJob(JobSteps steps, ILogger<RetentionJob> log) : WorkerJob(log)
{
    protected override Task RunAsync(IJobExecutionContext context, string trigger, CancellationToken cancellationToken) =>
        steps.RetentionAsync(trigger, cancellationToken);
}
