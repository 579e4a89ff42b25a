using SegmentMiner.Core.Mining;

namespace SegmentMiner.Pipeline.Jobs;

/// <summary>
/// The main job, one step after another: sync, then process (deploy what changed; train again when sync loaded
/// something new, else only what is not processed), then publish, each recorded in ops.JobRun. A failed step stops
/// the chain, and its exit code names it (11 sync, 12 process, 13 publish). The demo and <c>run-once</c> run this;
/// the worker runs the same steps as separate jobs, chained the same way.
/// </summary>
public sealed class JobChain(JobSteps steps)
{
    public async Task<ChainResult> RunAsync(DateOnly asOf, string trigger, CancellationToken cancellationToken)
    {
        var sync = await steps.SyncAsync(asOf, trigger, cancellationToken);
        var type = sync.Result.UpToDate ? ProcessType.Default : ProcessType.Full;
        var processed = await steps.ProcessAsync(type, trigger, cancellationToken);
        var published = await steps.PublishAsync(trigger, cancellationToken);
        return new ChainResult([sync.Summary, processed.Summary, published.Summary], sync.Result, processed.Result, published.Result);
    }
}
