using SegmentMiner.Core.Mining;
using SegmentMiner.Warehouse.Status;

namespace SegmentMiner.Pipeline.Status;

/// <summary>
/// What <c>segminer status</c> reports: the last run of each job, the schedules (none until the worker runs), the
/// warehouse's row counts, each model's state, the current published runs; and the verdict with its exit code
/// (0 healthy, 4 the last job run failed, 5 the published run is older than Publish:MaxPublishAge or missing).
/// </summary>
public sealed record StatusReport(
    IReadOnlyList<LastJobRun> Jobs,
    IReadOnlyList<ScheduleEntry> Schedules,
    WarehouseCounts Warehouse,
    IReadOnlyList<ModelState> Models,
    IReadOnlyList<PublishedRun> Published,
    int ExitCode,
    string Verdict);
