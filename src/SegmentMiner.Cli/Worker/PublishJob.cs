using Microsoft.Extensions.Logging;
using Quartz;
using SegmentMiner.Pipeline.Jobs;

namespace SegmentMiner.Cli.Worker;

/// <summary>The publish job: runs right after a successful process.</summary>
[DisallowConcurrentExecution]
internal sealed class PublishJob(JobSteps steps, ILogger<PublishJob> log) : WorkerJob(log)
{
    protected override Task RunAsync(IJobExecutionContext context, string trigger, CancellationToken cancellationToken) =>
        steps.PublishAsync(trigger, cancellationToken);
}
