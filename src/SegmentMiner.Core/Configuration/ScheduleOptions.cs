namespace SegmentMiner.Core.Configuration;

/// <summary>
/// Quartz cron expressions (seconds first: <c>0 0 * * * ?</c> is minute 0 of every hour), in the worker's time zone
/// (UTC unless <see cref="TimeZone"/> says otherwise). Publish has no schedule of its own: it runs right after a
/// successful process.
/// </summary>
public sealed class ScheduleOptions
{
    /// <summary>Default: minute 0 of every hour.</summary>
    public string Sync { get; set; } = "0 0 * * * ?";

    /// <summary>Default 02:00, and only when a sync changed something since the last processing. Empty: process right after every sync that changed something.</summary>
    public string? Process { get; set; } = "0 0 2 * * ?";

    /// <summary>Default 03:30 every day.</summary>
    public string Retention { get; set; } = "0 30 3 * * ?";

    /// <summary>An IANA or Windows time zone id for the cron expressions. Default UTC.</summary>
    public string TimeZone { get; set; } = "UTC";
}
