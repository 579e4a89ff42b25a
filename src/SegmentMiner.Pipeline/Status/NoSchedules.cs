namespace SegmentMiner.Pipeline.Status;

/// <summary>No scheduler store is configured (the worker keeps its schedule in memory): no schedules to report.</summary>
public sealed class NoSchedules : IScheduleReader
{
    public Task<IReadOnlyList<ScheduleEntry>> ReadAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ScheduleEntry>>([]);
}
