namespace SegmentMiner.Pipeline.Status;

/// <summary>One trigger of the worker: its job, cron expression, and next and previous fire times (UTC).</summary>
public sealed record ScheduleEntry(string Job, string Trigger, string? Cron, DateTime? NextFireAt, DateTime? PreviousFireAt, string State);
