using Quartz;
using SegmentMiner.Pipeline.Status;

namespace SegmentMiner.Cli.Worker;

/// <summary>The schedules in the shared ADO.NET job store, with their next and previous fire times.</summary>
internal sealed class QuartzScheduleReader(ISchedulerFactory schedulers) : IScheduleReader
{
    public async Task<IReadOnlyList<ScheduleEntry>> ReadAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var entries = new List<ScheduleEntry>();
        var page = await scheduler.QueryTriggers(new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(JobKeys.Group) }, cancellationToken);
        foreach (var header in page.Items)
        {
            var cron = await scheduler.GetTrigger(header.Key, cancellationToken) as ICronTrigger;
            entries.Add(new ScheduleEntry(header.JobKey.Name, header.Key.Name, cron?.CronExpressionString,
                header.NextFireTimeUtc?.UtcDateTime, header.PreviousFireTimeUtc?.UtcDateTime, header.State.ToString()));
        }

        return entries.OrderBy(e => e.NextFireAt).ToList();
    }
}
