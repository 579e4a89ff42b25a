using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace SegmentMiner.Cli.Worker;

/// <summary>Says on start what the worker will do and when: each job's schedule and next firing (an hourly sync is otherwise silent for up to an hour).</summary>
internal sealed partial class ScheduleAnnouncer(ISchedulerFactory schedulers, ILogger<ScheduleAnnouncer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The same reading of the triggers as 'status' uses for a shared store, here of this worker's scheduler.
        foreach (var entry in await new QuartzScheduleReader(schedulers).ReadAsync(cancellationToken))
        {
            LogSchedule(log, entry.Job, entry.Cron ?? "", entry.NextFireAt);
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        LogStarted(log, scheduler.SchedulerName, scheduler.SchedulerInstanceId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Job}: scheduled '{Cron}', next at {Next:yyyy-MM-ddTHH:mm:ssZ}")]
    private static partial void LogSchedule(ILogger logger, string job, string cron, DateTime? next);

    [LoggerMessage(Level = LogLevel.Information, Message = "worker {Scheduler} ({Instance}) running; SIGTERM or Ctrl+C stops it")]
    private static partial void LogStarted(ILogger logger, string scheduler, string instance);
}
