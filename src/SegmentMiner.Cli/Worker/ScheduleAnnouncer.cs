using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace SegmentMiner.Cli.Worker;

/// <summary>Says on start what the worker will do and when: each job's schedule and next firing (an hourly sync is otherwise silent for up to an hour).</summary>
internal sealed partial class ScheduleAnnouncer(ISchedulerFactory schedulers, ILogger<ScheduleAnnouncer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var page = await scheduler.QueryTriggers(new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(JobKeys.Group) }, cancellationToken);
        foreach (var header in page.Items.OrderBy(h => h.NextFireTimeUtc))
        {
            var cron = (await scheduler.GetTrigger(header.Key, cancellationToken) as ICronTrigger)?.CronExpressionString ?? "";
            LogSchedule(log, header.JobKey.Name, cron, header.NextFireTimeUtc?.UtcDateTime);
        }

        LogStarted(log, scheduler.SchedulerName, scheduler.SchedulerInstanceId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Job}: scheduled '{Cron}', next at {Next:yyyy-MM-ddTHH:mm:ssZ}")]
    private static partial void LogSchedule(ILogger logger, string job, string cron, DateTime? next);

    [LoggerMessage(Level = LogLevel.Information, Message = "worker {Scheduler} ({Instance}) running; SIGTERM or Ctrl+C stops it")]
    private static partial void LogStarted(ILogger logger, string scheduler, string instance);
}
