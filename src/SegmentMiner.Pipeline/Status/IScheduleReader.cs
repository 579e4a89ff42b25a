namespace SegmentMiner.Pipeline.Status;

/// <summary>The worker's schedules with their next fire times, from the scheduler's store (none when it is in memory).</summary>
public interface IScheduleReader
{
    Task<IReadOnlyList<ScheduleEntry>> ReadAsync(CancellationToken cancellationToken);
}
