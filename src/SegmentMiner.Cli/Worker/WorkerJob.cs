using Microsoft.Extensions.Logging;
using Quartz;
using SegmentMiner.Core;
using SegmentMiner.Pipeline.Jobs;

namespace SegmentMiner.Cli.Worker;

/// <summary>
/// What every scheduled job shares: the trigger name it records, the chaining to the next job (only after a success:
/// Quartz's stock chaining listener would fire it after a failure too), and failures logged as one line rather than
/// handed to Quartz (the run is already recorded in ops.JobRun; Quartz would retry or log a stack trace).
/// </summary>
internal abstract partial class WorkerJob(ILogger log) : IJob
{
    /// <summary>One job at a time in this process: the embedded warehouse is one file, and DuckDB lets a process open it one way at a time.</summary>
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // A scheduled firing is recorded with its time, so that each firing of a shared schedule can be traced to one worker.
        var trigger = TriggerName(context);
        try
        {
            await OneAtATime.WaitAsync(cancellationToken);
            try
            {
                await RunAsync(context, trigger, cancellationToken);
            }
            finally
            {
                OneAtATime.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // recorded as Cancelled by the step; the worker is stopping
        }
        catch (SegmentMinerException ex)
        {
            LogFailed(log, context.JobDetail.Key.Name, ex.Message);
        }
    }

    /// <summary>
    /// What ops.JobRun records as the trigger: "after sync" for a chained firing, else the schedule and its firing time
    /// ("sync-schedule 2026-12-02T03:00:00Z"), marked "(recovered)" when this worker runs a firing another worker
    /// started and did not finish (it stopped checking in).
    /// </summary>
    internal static string TriggerName(IJobExecutionContext context)
    {
        var scheduled = context.Recovering ? OriginalFireTime(context) ?? context.ScheduledFireTimeUtc : context.ScheduledFireTimeUtc;
        var name = context.MergedJobDataMap.GetString(JobKeys.TriggerName)
            ?? $"{(context.RecoveringTriggerKey ?? context.Trigger.Key).Name} {scheduled?.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}".TrimEnd();
        return context.Recovering ? $"{name} (recovered)" : name;
    }

    /// <summary>The time the recovered firing was scheduled for, as the recovery trigger carries it (milliseconds since 1970, or a date).</summary>
    private static DateTimeOffset? OriginalFireTime(IJobExecutionContext context)
    {
        var text = context.MergedJobDataMap.GetString(SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime);
        if (long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var ms))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }

    protected abstract Task RunAsync(IJobExecutionContext context, string trigger, CancellationToken cancellationToken);

    /// <summary>Fires the next job of the chain now, on whichever worker picks it up.</summary>
    protected static async Task ChainAsync(IJobExecutionContext context, JobKey next, string after) =>
        await context.Scheduler.TriggerJob(next, new JobDataMap { [JobKeys.TriggerName] = $"after {after}", [JobKeys.Chained] = "true" }, CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Job} failed; the chain stops here: {Message}")]
    private static partial void LogFailed(ILogger logger, string job, string message);
}
