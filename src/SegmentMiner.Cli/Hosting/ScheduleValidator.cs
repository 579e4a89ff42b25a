using Microsoft.Extensions.Options;
using Quartz;
using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Cli.Hosting;

/// <summary>The worker's cron expressions and time zone, checked at start with Quartz's own parser.</summary>
internal sealed class ScheduleValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var s = options.Schedules;
        var errors = new List<string>();
        Check(errors, "Worker:Schedules:Sync", s.Sync, required: true);
        Check(errors, "Worker:Schedules:Process", s.Process, required: false);
        Check(errors, "Worker:Schedules:Retention", s.Retention, required: false);
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(s.TimeZone ?? "", out _))
        {
            errors.Add($"Worker:Schedules:TimeZone: '{s.TimeZone}' is not a time zone this machine knows (e.g. UTC, Europe/Berlin).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string setting, string? cron, bool required)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            if (required)
            {
                errors.Add($"{setting}: required (a Quartz cron expression such as '0 0 * * * ?', minute 0 of every hour).");
            }

            return;
        }

        if (!CronExpression.TryParse(cron, out _))
        {
            errors.Add($"{setting}: '{cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. '0 0 * * * ?').");
        }
    }
}
